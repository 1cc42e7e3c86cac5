package io.shadowvars.demo;

import org.HdrHistogram.Histogram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * What every pipeline thread keeps for itself: latency histograms (one writer, no locks, no
 * allocation: HdrHistogram records into a preallocated array when the value is in range, and values
 * are clamped into range), mismatch counts, and progress counters the main thread samples.
 */
abstract class Worker implements Runnable
{
    /** Highest latency a histogram tracks; longer ones are recorded as this. */
    static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final VarHandle PACKETS;
    private static final VarHandle OPS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            PACKETS = lookup.findVarHandle(Worker.class, "packets", long.class);
            OPS = lookup.findVarHandle(Worker.class, "ops", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final Histogram get = newHistogram();
    final Histogram getOrAlloc = newHistogram();
    final Histogram alloc = newHistogram();
    final Histogram free = newHistogram();

    /** Packets handled while measuring; read by the main thread after join. */
    long measuredPackets;

    /** Checks that failed; read after join. */
    long mismatches;

    /** The first failed check, described; allocated only when a check fails. */
    String firstMismatch;

    /** What stopped the thread, if anything. */
    volatile Throwable failure;

    // Single writer (this worker), sampled by the main thread: written with release, read with volatile.
    private volatile long packets;
    private volatile long ops;

    private static Histogram newHistogram()
    {
        return new Histogram(HIGHEST_NANOS, 3);
    }

    /**
     * Record one call's latency. Allocation-free.
     *
     * @param histogram where.
     * @param start     {@link System#nanoTime()} before the call.
     * @param end       {@link System#nanoTime()} after it.
     */
    static void record(final Histogram histogram, final long start, final long end)
    {
        histogram.recordValue(Math.min(Math.max(end - start, 0), HIGHEST_NANOS));
    }

    /**
     * Count a handled packet and the table calls it took. Plain on x86: release stores, no fence.
     *
     * @param calls table calls made for the packet.
     */
    final void progress(final int calls)
    {
        PACKETS.setRelease(this, packets + 1);
        OPS.setRelease(this, ops + calls);
    }

    /**
     * Packets handled so far (any thread).
     *
     * @return the count.
     */
    final long packets()
    {
        return packets;
    }

    /**
     * Table calls made so far (any thread).
     *
     * @return the count.
     */
    final long ops()
    {
        return ops;
    }

    /**
     * Count a failed check; describe the first one. Kept out of the hot methods.
     *
     * @param what     which check.
     * @param slot     the buffer slot.
     * @param expected the packet's sequence number.
     * @param actual   what was found.
     */
    final void mismatch(final String what, final int slot, final long expected, final long actual)
    {
        mismatches++;
        if (null == firstMismatch)
        {
            firstMismatch = Thread.currentThread().getName() + ": " + what + " (slot " + slot + ", seq " + expected +
                ", found " + actual + ")";
        }
    }
}
