package io.shadowvars.demo;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * What a run measured and checked, and its verdict; printed as text or JSON.
 */
final class DemoResult
{
    final DemoOptions options;
    final String table;
    final Histogram get = DemoRun.newTotal();
    final Histogram getOrAlloc = DemoRun.newTotal();
    final Histogram alloc = DemoRun.newTotal();
    final Histogram free = DemoRun.newTotal();

    long measuredNanos;
    long packets;
    long totalPackets;
    long gcCount;
    long gcMillis;
    long allocatedBytes = -1;
    long reservedBytes;
    long poolBytes;
    long liveVariablesAtEnd;
    long liveVariablesAfterDrain;
    long variablesOnFreeBuffers;
    long pendingFreeAfterDrain;
    long duplicateAllocs = -1;
    long failedAllocs = -1;
    long reservedBytesAfterDrain = -1;
    long mismatches;
    String firstMismatch;
    Throwable failure;

    DemoResult(final DemoOptions options, final String table)
    {
        this.options = options;
        this.table = table;
    }

    /**
     * Whether every check passed: no mismatch, no thread failed, packets were handled in the steady
     * state, and no variable was left behind once every buffer was back in the pool.
     *
     * @return true when OK.
     */
    boolean ok()
    {
        return 0 == mismatches && null == failure && packets > 0 && 0 == liveVariablesAfterDrain &&
            0 == variablesOnFreeBuffers;
    }

    /**
     * Why the verdict failed, or "" when OK.
     *
     * @return a description.
     */
    String problems()
    {
        final StringBuilder problems = new StringBuilder();
        if (0 != mismatches)
        {
            problems.append(String.format(Locale.ROOT, "%,d mismatches, first: %s; ", mismatches, firstMismatch));
        }
        if (null != failure)
        {
            problems.append("a pipeline thread failed: ").append(failure).append("; ");
        }
        if (packets <= 0)
        {
            problems.append("no packet handled in the steady state; ");
        }
        if (0 != liveVariablesAfterDrain)
        {
            problems.append(liveVariablesAfterDrain).append(" variables counted live after every buffer was released; ");
        }
        if (0 != variablesOnFreeBuffers)
        {
            problems.append(variablesOnFreeBuffers).append(" variables still found on released buffers; ");
        }
        return problems.length() == 0 ? "" : problems.substring(0, problems.length() - 2);
    }

    double seconds()
    {
        return measuredNanos / 1e9;
    }

    double packetsPerSecond()
    {
        return 0 == measuredNanos ? 0 : packets / seconds();
    }

    long ops()
    {
        return get.getTotalCount() + getOrAlloc.getTotalCount() + alloc.getTotalCount() + free.getTotalCount();
    }

    double opsPerSecond()
    {
        return 0 == measuredNanos ? 0 : ops() / seconds();
    }

    /**
     * The human-readable summary.
     *
     * @return several lines.
     */
    String toText()
    {
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%n=== summary: %s, steady state %.1f s (after %.1f s warm-up)%n",
            options.peerChm ? table : table + " (" + options.reclamation + ")", seconds(),
            options.warmupNanos() / 1e9));
        text.append(String.format(Locale.ROOT, "throughput      %,.0f packets/s, %,.0f table ops/s (%,d packets)%n",
            packetsPerSecond(), opsPerSecond(), packets));
        text.append(String.format(Locale.ROOT, "latency (ns)    %10s %10s %10s %10s %14s%n",
            "p50", "p99", "p99.9", "max", "count"));
        row(text, "get", get);
        row(text, "getOrAlloc", getOrAlloc);
        row(text, "alloc", alloc);
        row(text, "free", free);
        text.append(String.format(Locale.ROOT, "GC (steady)     %d collections, %d ms%n", gcCount, gcMillis));
        text.append(String.format(Locale.ROOT, "heap allocated  %s by the pipeline threads (%s per packet)%n",
            DemoRun.bytes(allocatedBytes), allocatedBytes < 0 || 0 == totalPackets ? "n/a" :
                String.format(Locale.ROOT, "%.1f B", (double)allocatedBytes / Math.max(1, packets))));
        text.append(String.format(Locale.ROOT, "native memory   %s reserved by the table and its slabs, %s packet pool%n",
            DemoRun.bytes(reservedBytes), DemoRun.bytes(poolBytes)));
        text.append(String.format(Locale.ROOT,
            "variables       %,d live at the end, %,d after the drain, pending-free %s%n",
            liveVariablesAtEnd, liveVariablesAfterDrain, DemoRun.bytes(pendingFreeAfterDrain)));
        if (duplicateAllocs < 0)
        {
            text.append(String.format(Locale.ROOT, "counters        n/a (the peer keeps none)%n"));
        }
        else
        {
            text.append(String.format(Locale.ROOT,
                "counters        %,d duplicate allocs, %,d failed allocs, %s reserved after the drain%n",
                duplicateAllocs, failedAllocs, DemoRun.bytes(reservedBytesAfterDrain)));
        }
        if (ok())
        {
            text.append(String.format(Locale.ROOT, "verification    OK: %,d packets checked, 0 mismatches%n",
                totalPackets));
        }
        else
        {
            text.append(String.format(Locale.ROOT, "verification    FAILED: %s (%,d packets checked)%n",
                problems(), totalPackets));
        }
        return text.toString();
    }

    private static void row(final StringBuilder text, final String name, final Histogram histogram)
    {
        text.append(String.format(Locale.ROOT, "  %-13s %10d %10d %10d %10d %,14d%n", name,
            histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
            histogram.getValueAtPercentile(99.9), histogram.getMaxValue(), histogram.getTotalCount()));
    }

    /**
     * The summary as one JSON object.
     *
     * @param exitCode the exit code the run ends with.
     * @return JSON text.
     */
    String toJson(final int exitCode)
    {
        final StringBuilder json = new StringBuilder(1024);
        json.append("{\n");
        field(json, "table", quote(table));
        field(json, "reclamation", options.peerChm ? "null" : quote(options.reclamation.name()));
        field(json, "buffers", options.buffers);
        field(json, "consumers", options.consumers);
        field(json, "payloadBytes", options.payload);
        field(json, "idle", quote(options.idlePark ? "park" : "backoff"));
        field(json, "seconds", options.seconds);
        field(json, "warmupSeconds", options.warmupNanos() / 1e9);
        field(json, "measuredSeconds", seconds());
        field(json, "packets", packets);
        field(json, "packetsChecked", totalPackets);
        field(json, "packetsPerSecond", Math.round(packetsPerSecond()));
        field(json, "opsPerSecond", Math.round(opsPerSecond()));
        json.append("  \"latencyNanos\": {\n");
        latency(json, "get", get, false);
        latency(json, "getOrAlloc", getOrAlloc, false);
        latency(json, "alloc", alloc, false);
        latency(json, "free", free, true);
        json.append("  },\n");
        field(json, "gcCount", gcCount);
        field(json, "gcMillis", gcMillis);
        field(json, "heapAllocatedBytes", allocatedBytes);
        field(json, "reservedBytes", reservedBytes);
        field(json, "poolBytes", poolBytes);
        field(json, "liveVariablesAtEnd", liveVariablesAtEnd);
        field(json, "liveVariablesAfterDrain", liveVariablesAfterDrain);
        field(json, "variablesOnFreeBuffers", variablesOnFreeBuffers);
        field(json, "pendingFreeBytesAfterDrain", pendingFreeAfterDrain);
        field(json, "reservedBytesAfterDrain", reservedBytesAfterDrain);
        field(json, "duplicateAllocs", duplicateAllocs);
        field(json, "failedAllocs", failedAllocs);
        field(json, "mismatches", mismatches);
        field(json, "problems", quote(problems()));
        field(json, "verdict", quote(ok() ? "OK" : "FAILED"));
        json.append("  \"exitCode\": ").append(exitCode).append("\n}\n");
        return json.toString();
    }

    private static void latency(final StringBuilder json, final String name, final Histogram h, final boolean last)
    {
        json.append(String.format(Locale.ROOT,
            "    \"%s\": {\"count\": %d, \"p50\": %d, \"p99\": %d, \"p999\": %d, \"max\": %d}%s%n",
            name, h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
            h.getValueAtPercentile(99.9), h.getMaxValue(), last ? "" : ","));
    }

    private static void field(final StringBuilder json, final String name, final Object value)
    {
        json.append("  \"").append(name).append("\": ").append(value).append(",\n");
    }

    private static void field(final StringBuilder json, final String name, final long value)
    {
        json.append("  \"").append(name).append("\": ").append(value).append(",\n");
    }

    private static void field(final StringBuilder json, final String name, final double value)
    {
        json.append("  \"").append(name).append("\": ").append(String.format(Locale.ROOT, "%.3f", value)).append(",\n");
    }

    private static String quote(final String value)
    {
        final StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if ('"' == c || '\\' == c)
            {
                quoted.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
