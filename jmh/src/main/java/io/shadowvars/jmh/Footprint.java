package io.shadowvars.jmh;

import io.shadowvars.jmh.peers.ChronicleMapTable;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.openhft.chronicle.core.OS;

/**
 * Bytes per 16-byte variable at 1M variables, for the shadow store and each peer: the heap it holds
 * after a full GC (the parents themselves excluded: they exist before the table does) plus the
 * native memory it holds (shadowvars and Agrona's slab through the JVM's direct-memory and
 * Chronicle's native-memory counters, Chronicle Map through its own off-heap figure). Writes JSON
 * for the report tool, each row tagged with its kind of parent ({@code "parents": "long"} or
 * {@code "object"}).
 *
 * <p>Each parent has one variable, so bytes per variable are also the bytes a parent costs. Long
 * parents are {@code long} handles. Object parents are plain objects ({@link Keys.Parent}),
 * strongly reachable from an array while they are measured: {@code shadowvars-objects} is the
 * default store (it holds each parent in its reference array), {@code shadowvars-weak} a store with
 * {@code weakObjectParents(true)} (one {@code WeakReference} per parent instead), beside the
 * object-keyed peers.
 *
 * <pre>java -cp benchmarks.jar [JVM flags] io.shadowvars.jmh.Footprint [variables] [out.json]</pre>
 */
public final class Footprint
{
    private static final String[] LONG_IMPLS =
        {"shadowvars", "shadowvars-NONE", "agrona", "chm-record", "chm-long", "chronicle-map"};
    private static final String[] OBJECT_IMPLS =
        {"shadowvars-objects", "shadowvars-weak", "weak", "sync-identity", "netty"};

    private static final int WARM_UP = 10_000;

    private Footprint()
    {
    }

    /**
     * Measure and write the JSON.
     *
     * @param args optional variable count (default 1,000,000) and output file (default stdout).
     * @throws IOException when the file cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        // Warm-up: build and fill every implementation once, small, so that what the first one
        // measured is not what the JVM keeps after loading and initialising the classes it uses
        // (the libraries' static state; the first row carried about 2 MB of it).
        for (final String impl : LONG_IMPLS)
        {
            measureLong(impl, WARM_UP, false);
        }
        for (final String impl : OBJECT_IMPLS)
        {
            measureObject(impl, WARM_UP, false);
        }
        final List<String> rows = new ArrayList<>();
        for (final String impl : LONG_IMPLS)
        {
            rows.add(measureLong(impl, n, true));
        }
        for (final String impl : OBJECT_IMPLS)
        {
            rows.add(measureObject(impl, n, true));
        }
        final String json = "{\"variables\": " + n + ", \"dataSize\": " + Keys.RECORD_SIZE +
            ", \"results\": [\n  " + String.join(",\n  ", rows) + "\n]}\n";
        if (args.length > 1)
        {
            Files.write(Path.of(args[1]), json.getBytes(StandardCharsets.UTF_8));
        }
        final PrintStream out = System.out;
        out.print(json);
    }

    private static String measureLong(final String impl, final int n, final boolean report)
    {
        final long[] parents = Keys.longParents(n);
        final long heapBefore = heapUsed();
        final long nativeBefore = nativeUsed();
        final LongSideTable table = Impls.longTable(impl, n);
        Impls.fill(table, parents);
        final long heap = heapUsed() - heapBefore;
        long offHeap = nativeUsed() - nativeBefore;
        if (table instanceof ChronicleMapTable)
        {
            offHeap = ((ChronicleMapTable)table).offHeapBytes();
        }
        final String row = report ? row(impl, "long", n, heap, offHeap) : "";
        check(table.read(parents[n - 1], Keys.ID) == n, impl);
        table.close();
        return row;
    }

    private static String measureObject(final String impl, final int n, final boolean report)
    {
        final Keys.Parent[] parents = Keys.objectParents(n);
        // The default store's impl name is plain "shadowvars" (Impls); this row is named apart
        // from the long-parent store's.
        final String name = "shadowvars-objects".equals(impl) ? "shadowvars" : impl;
        final long heapBefore = heapUsed();
        final long nativeBefore = nativeUsed();
        final ObjectSideTable table = Impls.objectTable(name, parents);
        Impls.fill(table, parents);
        final long heap = heapUsed() - heapBefore;
        final long offHeap = nativeUsed() - nativeBefore;
        final String row = report ? row(impl, "object", n, heap, offHeap) : "";
        check(table.read(parents[n - 1], Keys.ID) == n, impl);
        table.close();
        for (final Keys.Parent parent : parents)
        {
            parent.attributes = null;
        }
        return row;
    }

    private static void check(final boolean ok, final String impl)
    {
        if (!ok)
        {
            throw new IllegalStateException(impl + " lost its last variable");
        }
    }

    private static String row(final String impl, final String parents, final int n, final long heap, final long offHeap)
    {
        final double perVariable = (double)(heap + offHeap) / n;
        System.err.printf(Locale.ROOT, "%-18s %-6s parents  heap %8.1f MB  native %8.1f MB  %6.1f B/variable%n",
            impl, parents, heap / 1e6, offHeap / 1e6, perVariable);
        return String.format(Locale.ROOT,
            "{\"impl\": \"%s\", \"parents\": \"%s\", \"heapBytes\": %d, \"nativeBytes\": %d, " +
                "\"bytesPerVariable\": %.1f}",
            impl, parents, heap, offHeap, perVariable);
    }

    /** Direct buffers (the JVM's counter) plus Chronicle's native stores. */
    private static long nativeUsed()
    {
        long direct = 0;
        for (final var pool : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                direct = pool.getMemoryUsed();
            }
        }
        return direct + OS.memory().nativeMemoryUsed();
    }

    private static long heapUsed()
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++)
        {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
