package io.shadowvars.demo;

import io.shadowvars.RegisteredCounters;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the pipeline for the configured time: starts the threads, prints a progress line each
 * second, opens the measured steady state after the warm-up (histograms, GC and allocation counters
 * start there), stops, drains, and gathers a {@link DemoResult}.
 */
final class DemoRun
{
    private static final long SECOND = 1_000_000_000L;

    /** What the labels of the counters registered in a {@code --counters-file} start with. */
    static final String COUNTERS_LABEL = "shadowvars-demo";

    private final DemoOptions options;
    private final PrintStream out;

    /**
     * A run.
     *
     * @param options what to run.
     * @param out     where progress goes.
     */
    DemoRun(final DemoOptions options, final PrintStream out)
    {
        this.options = options;
        this.out = out;
    }

    /**
     * Run to the end.
     *
     * @return what happened.
     * @throws InterruptedException when interrupted while waiting for the threads.
     */
    DemoResult run() throws InterruptedException, IOException
    {
        final PacketPool pool = new PacketPool(options.buffers);
        final int expectedVariables = options.buffers * 2;
        try (CountersFile countersFile = null == options.countersFile ? null : CountersFile.create(options.countersFile);
            SideTable table = options.peerChm ?
                new ChmSideTable(expectedVariables) :
                new ShadowSideTable(options.reclamation,
                    0 == options.initialCapacity ? expectedVariables : options.initialCapacity, options.checked))
        {
            // Closed before the file is unmapped (the store's close would also free them).
            try (RegisteredCounters counters = null == countersFile ? null :
                ((ShadowSideTable)table).store().registerCounters(countersFile.manager(), COUNTERS_LABEL))
            {
                return run(pool, table, countersFile, counters);
            }
        }
    }

    private DemoResult run(
        final PacketPool pool, final SideTable table, final CountersFile countersFile, final RegisteredCounters counters)
        throws InterruptedException
    {
        final Pipeline pipeline = new Pipeline(pool, table, options.payload, options.idlePark);
        final List<Worker> workers = new ArrayList<>();  // whose numbers are reported
        final List<Worker> consumers = new ArrayList<>(); // who count finished packets
        final List<Thread> threads = new ArrayList<>();
        final List<Worker> runners = new ArrayList<>();   // what the threads run
        if (options.singleThreaded())
        {
            final Pipeline.Solo solo = pipeline.new Solo();
            workers.add(solo.producer);
            workers.add(solo.consumer);
            consumers.add(solo.consumer);
            runners.add(solo);
            threads.add(new Thread(solo, "rx-pipeline"));
        }
        else
        {
            final Pipeline.Producer producer = pipeline.new Producer();
            workers.add(producer);
            runners.add(producer);
            threads.add(new Thread(producer, "rx-producer"));
            for (int i = 1; i <= options.consumers; i++)
            {
                final Pipeline.Consumer consumer = pipeline.new Consumer(i);
                workers.add(consumer);
                consumers.add(consumer);
                runners.add(consumer);
                threads.add(new Thread(consumer, "rx-consumer-" + i));
            }
        }

        final DemoResult result = new DemoResult(options, table.name());
        out.printf(Locale.ROOT, "shadowvars-demo: %s, %s, %,d buffer%s x %d B, metadata %d B, %s, %d s (%.1f s warm-up)%s%n",
            options.singleThreaded() ? "1 thread (producer and consumer steps)" :
                "1 producer + " + options.consumers + " consumer" + (options.consumers > 1 ? "s" : ""),
            table.name(), options.buffers, 1 == options.buffers ? "" : "s", PacketPool.SLOT_BYTES, options.payload,
            options.peerChm ? "on-heap" : options.reclamation + " reclamation" + (options.checked ? " (checked)" : ""),
            options.seconds,
            options.warmupNanos() / 1e9,
            options.idlePark ? ", idle threads park" : "");
        if (null != countersFile)
        {
            out.printf(Locale.ROOT, "counters file   %s, updated each second (read it with --read-counters)%n",
                countersFile.path());
        }

        for (final Thread thread : threads)
        {
            thread.start();
        }

        final long start = System.nanoTime();
        final long warmupEnd = start + options.warmupNanos();
        final long end = start + options.seconds * SECOND;
        long nextTick = start + SECOND;
        long lastTick = start;
        long lastPackets = 0;
        long lastOps = 0;
        long measureStart = 0;
        long gcCountStart = 0;
        long gcMillisStart = 0;
        long allocatedStart = 0;
        boolean measuring = false;

        while (pipeline.running)
        {
            final long now = System.nanoTime();
            if (!measuring && now - warmupEnd >= 0)
            {
                gcCountStart = gcCount();
                gcMillisStart = gcMillis();
                allocatedStart = allocatedBytes(threads);
                measureStart = System.nanoTime();
                pipeline.measuring = true;
                measuring = true;
            }
            if (now - end >= 0)
            {
                break;
            }
            if (now - nextTick >= 0)
            {
                if (null != counters)
                {
                    counters.update();
                }
                final long packets = sumPackets(consumers);
                final long ops = sumOps(workers);
                final double seconds = (now - lastTick) / 1e9;
                out.printf(Locale.ROOT, "[%3ds] %,11.0f pkt/s %,12.0f ops/s  live vars %,9d  pending-free %s%s%n",
                    Math.round((now - start) / 1e9), (packets - lastPackets) / seconds, (ops - lastOps) / seconds,
                    table.liveVariables(), bytes(table.pendingFreeBytes()), measuring ? "" : "  (warm-up)");
                lastTick = now;
                lastPackets = packets;
                lastOps = ops;
                nextTick += SECOND;
            }
            final long wake = Math.min(nextTick, Math.min(end, measuring ? end : warmupEnd));
            LockSupport.parkNanos(Math.max(wake - System.nanoTime(), 1_000));
        }

        final long measureEnd = System.nanoTime();
        pipeline.measuring = false;
        if (measuring)
        {
            result.measuredNanos = measureEnd - measureStart;
            result.gcCount = gcCount() - gcCountStart;
            result.gcMillis = gcMillis() - gcMillisStart;
            final long allocatedEnd = allocatedBytes(threads);
            result.allocatedBytes = allocatedEnd < 0 || allocatedStart < 0 ? -1 : allocatedEnd - allocatedStart;
        }
        result.reservedBytes = table.reservedBytes();
        result.liveVariablesAtEnd = table.liveVariables();
        result.poolBytes = pool.bytes();

        pipeline.stop();
        for (final Thread thread : threads)
        {
            thread.join();
        }

        result.variablesOnFreeBuffers = variablesOnBuffers(pool, table);
        table.settle();
        result.liveVariablesAfterDrain = table.liveVariables();
        result.pendingFreeAfterDrain = table.pendingFreeBytes();
        result.duplicateAllocs = table.duplicateAllocs();
        result.failedAllocs = table.failedAllocs();
        result.reservedBytesAfterDrain = table.reservedBytes();
        if (null != counters)
        {
            counters.update();
        }
        for (final Worker worker : workers)
        {
            result.get.add(worker.get);
            result.getOrAlloc.add(worker.getOrAlloc);
            result.alloc.add(worker.alloc);
            result.free.add(worker.free);
            result.mismatches += worker.mismatches;
            if (null == result.firstMismatch)
            {
                result.firstMismatch = worker.firstMismatch;
            }
        }
        for (final Worker consumer : consumers)
        {
            result.packets += consumer.measuredPackets;
        }
        result.totalPackets = sumPackets(consumers);
        for (final Worker runner : runners)
        {
            if (null != runner.failure && null == result.failure)
            {
                result.failure = runner.failure;
            }
        }
        return result;
    }

    /**
     * Look every id up on every buffer: after the drain all buffers are free and must carry nothing.
     */
    private static long variablesOnBuffers(final PacketPool pool, final SideTable table)
    {
        long found = 0;
        try (SideTable.Session session = table.session())
        {
            for (int slot = 0; slot < pool.slots(); slot++)
            {
                final long parent = pool.address(slot);
                found += session.find(parent, RxMeta.RX_META_ID) ? 1 : 0;
                found += session.find(parent, RxMeta.IN_FLIGHT_ID) ? 1 : 0;
                found += session.find(parent, RxMeta.FLAG_ID) ? 1 : 0;
            }
        }
        return found;
    }

    private static long sumPackets(final List<Worker> consumers)
    {
        long sum = 0;
        for (final Worker consumer : consumers)
        {
            sum += consumer.packets();
        }
        return sum;
    }

    private static long sumOps(final List<Worker> workers)
    {
        long sum = 0;
        for (final Worker worker : workers)
        {
            sum += worker.ops();
        }
        return sum;
    }

    static String bytes(final long bytes)
    {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,d B", bytes);
    }

    private static long gcCount()
    {
        long sum = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            sum += Math.max(0, gc.getCollectionCount());
        }
        return sum;
    }

    private static long gcMillis()
    {
        long sum = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /**
     * Heap bytes the pipeline threads have allocated so far, or -1 when the JVM cannot tell.
     */
    private static long allocatedBytes(final List<Thread> threads)
    {
        final ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean))
        {
            return -1;
        }
        final com.sun.management.ThreadMXBean threadBean = (com.sun.management.ThreadMXBean)bean;
        if (!threadBean.isThreadAllocatedMemorySupported() || !threadBean.isThreadAllocatedMemoryEnabled())
        {
            return -1;
        }
        long sum = 0;
        for (final Thread thread : threads)
        {
            final long bytes = threadBean.getThreadAllocatedBytes(thread.getId());
            if (bytes < 0)
            {
                return -1;
            }
            sum += bytes;
        }
        return sum;
    }

    /**
     * A histogram the workers' ones are added into.
     *
     * @return an empty histogram with the workers' range.
     */
    static Histogram newTotal()
    {
        return new Histogram(Worker.HIGHEST_NANOS, 3);
    }
}
