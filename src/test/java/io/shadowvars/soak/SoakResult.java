package io.shadowvars.soak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a soak did and found: operations and outcomes counted, figures per round, memory before and
 * after, and every problem. {@link #ok()} is the verdict.
 */
final class SoakResult
{
    /** Used heap after GC may differ by this much between the start and the end. */
    static final long HEAP_TOLERANCE = 16L << 20;

    final SoakConfig config;
    final SoakLog log = new SoakLog();
    final long[] counts = new long[Counter.COUNT];
    final List<Round> rounds = new ArrayList<>();
    long nanos;
    long nativeBefore;
    long nativeAfter;
    long heapBefore;
    long heapAfter;
    long duplicateWarnings;
    long duplicatesCounted;

    SoakResult(final SoakConfig config)
    {
        this.config = config;
    }

    /** One round's figures. */
    static final class Round
    {
        int number;
        boolean checked;
        int alignment;
        long nanos;
        long operations;
        long peakLive;
        long peakReserved;
        long peakPending;
        long sharedVariables;
        long nativeBefore;
        long nativeAfter;
        long heapAfter;
    }

    long count(final Counter counter)
    {
        return counts[counter.ordinal()];
    }

    long operations()
    {
        long operations = 0;
        for (final Round round : rounds)
        {
            operations += round.operations;
        }
        return operations;
    }

    double operationsPerSecond()
    {
        long roundNanos = 0;
        for (final Round round : rounds)
        {
            roundNanos += round.nanos;
        }
        return 0 == roundNanos ? 0 : operations() * 1e9 / roundNanos;
    }

    boolean heapFlat()
    {
        return Math.abs(heapAfter - heapBefore) <= HEAP_TOLERANCE;
    }

    /**
     * The verdict: no mismatch, no failed check, native memory back to its start, heap flat, one
     * warning logged per duplicate alloc.
     *
     * @return true when every check passed.
     */
    boolean ok()
    {
        return log.clean() && nativeAfter == nativeBefore && heapFlat() && duplicateWarnings == duplicatesCounted &&
            !rounds.isEmpty();
    }

    /**
     * The problems, one a line, for an assertion message.
     *
     * @return the problems, or an empty string.
     */
    String problems()
    {
        return String.join("\n", log.messages());
    }

    void print(final PrintStream out)
    {
        out.println();
        out.printf(Locale.ROOT, "%-6s %-10s %6s %8s %13s %11s %10s %14s %13s %12s %13s %14s%n", "round", "stores",
            "align", "seconds", "operations", "ops/s", "peak live", "peak reserved", "peak pending", "shared vars",
            "native diff", "heap after GC");
        for (final Round round : rounds)
        {
            out.printf(Locale.ROOT, "%-6d %-10s %6d %8.1f %,13d %,11.0f %,10d %,14d %,13d %,12d %,13d %,14d%n",
                round.number, round.checked ? "checked" : "unchecked", round.alignment, round.nanos / 1e9,
                round.operations, round.operations * 1e9 / Math.max(1, round.nanos), round.peakLive, round.peakReserved,
                round.peakPending, round.sharedVariables, round.nativeAfter - round.nativeBefore, round.heapAfter);
        }
        out.println();
        out.printf(Locale.ROOT, "operations      %,d in %.1f s of rounds: %,.0f ops/s%n", operations(),
            sumRoundNanos() / 1e9, operationsPerSecond());
        final StringBuilder calls = new StringBuilder();
        final StringBuilder outcomes = new StringBuilder();
        for (final Counter counter : Counter.values())
        {
            final StringBuilder line = counter.ordinal() <= Counter.PEEK.ordinal() ? calls : outcomes;
            line.append(line.length() == 0 ? "" : ", ").append(counter.name().toLowerCase(Locale.ROOT))
                .append(' ').append(String.format(Locale.ROOT, "%,d", count(counter)));
        }
        out.println("calls           " + calls);
        out.println("outcomes        " + outcomes);
        out.printf(Locale.ROOT, "mismatches      %,d%n", log.mismatches());
        out.printf(Locale.ROOT, "failed checks   %,d%n", log.failures());
        out.printf(Locale.ROOT, "native memory   %,d B before, %,d B after (Chronicle's counter): %s%n", nativeBefore,
            nativeAfter, nativeAfter == nativeBefore ? "back to its start" : "LEAKED " + (nativeAfter - nativeBefore) + " B");
        out.printf(Locale.ROOT, "heap after GC   %,d B before, %,d B after (tolerance %,d B): %s%n", heapBefore,
            heapAfter, HEAP_TOLERANCE, heapFlat() ? "flat" : "GREW");
        out.printf(Locale.ROOT, "warnings        %,d duplicate-alloc warnings logged for %,d duplicates%n",
            duplicateWarnings, duplicatesCounted);
        for (final String message : log.messages())
        {
            out.println(message);
        }
        out.println("verdict         " + (ok() ? "OK" : "FAILED"));
    }

    private long sumRoundNanos()
    {
        long total = 0;
        for (final Round round : rounds)
        {
            total += round.nanos;
        }
        return total;
    }
}
