package io.shadowvars.internal.table;

import io.shadowvars.ShadowDtor;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The store-wide side of weak object parents: the queue the garbage collector puts the
 * {@link WeakParent} of a collected parent on, and the expunging of what it finds there.
 *
 * <h2>Expunging one collected parent (in {@link Segment#expunge})</h2>
 * <ol>
 *   <li>Under the parent's segment lock: if its reference is still attached, unlink each of its
 *   variables (the table's seqlock-protected backward shift, exactly as {@code free}), count them,
 *   detach the reference. The blocks are not retired yet, so their memory stays valid.</li>
 *   <li>Without any lock: run {@code onParentCollected} on each (inside the store's
 *   {@link CallbackGuard}, so a mutating store call from it throws). Running it unlocked is the
 *   point: a slow or blocking callback holds up no reader and no other writer (OpenTelemetry's
 *   deadlock #18232 came from running such a cleanup inside a map's bin lock).</li>
 *   <li>Under the segment lock again: mark the blocks freed and retire them, unless the store was
 *   closed meanwhile. Retiring after unlinking keeps the grace-period rule of {@code free}.</li>
 * </ol>
 * Without a callback the three steps are one lock hold. {@link #running} counts threads between
 * step 1 and the end of step 3, so that {@code close()} does not give memory back under a callback.
 *
 * <p>Writers and {@code stats()} drain a bounded batch ({@link #BATCH} queue entries), {@code
 * expungeCollected()} drains the queue, and the optional {@link ExpungeThread} blocks on the queue
 * and drains it whenever the collector adds to it. Thread-safe: each queue entry is taken by one
 * thread.
 */
public final class CollectedParents
{
    /** Queue entries (collected parents) a writer or {@code stats()} expunges at most per call. */
    public static final int BATCH = 32;

    private static final System.Logger LOGGER = System.getLogger("io.shadowvars");

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final ShadowDtor onCollected;
    private final AtomicInteger running = new AtomicInteger();

    /**
     * The weak-parent side of one store.
     *
     * @param onCollected run on each variable freed because its parent was collected; null for none.
     */
    public CollectedParents(final ShadowDtor onCollected)
    {
        this.onCollected = onCollected;
    }

    /**
     * The queue the segments register their weak references with.
     *
     * @return the queue.
     */
    public ReferenceQueue<Object> queue()
    {
        return queue;
    }

    /**
     * The callback run on each collected variable.
     *
     * @return the callback, or null.
     */
    ShadowDtor onCollected()
    {
        return onCollected;
    }

    /**
     * Counts threads running callbacks over unlinked, not yet retired blocks.
     *
     * @return the counter.
     */
    AtomicInteger running()
    {
        return running;
    }

    /**
     * Expunge up to {@code maxEntries} collected parents. The caller holds no segment lock and is
     * not inside a callback of the store.
     *
     * @param maxEntries how many queue entries to take at most.
     * @param rethrow    true to rethrow the first exception of {@code onParentCollected} (with the
     *                   others suppressed) once all are freed; false to log them as warnings.
     * @return how many variables were freed.
     */
    public int drain(final int maxEntries, final boolean rethrow)
    {
        return drain(null, maxEntries, rethrow);
    }

    /**
     * Expunge a collected parent already taken from the queue (by {@link ExpungeThread}, which
     * blocks in {@link ReferenceQueue#remove()}), then every other one queued meanwhile.
     * Exceptions of {@code onParentCollected} are logged as warnings. The caller holds no segment
     * lock and is not inside a callback of the store.
     *
     * @param first a reference removed from {@link #queue()}.
     * @return how many variables were freed.
     */
    int drainAfter(final Reference<?> first)
    {
        return drain(first, Integer.MAX_VALUE, false);
    }

    private int drain(final Reference<?> first, final int maxEntries, final boolean rethrow)
    {
        Throwable[] failure = null;
        int freed = 0;
        Reference<?> next = first;
        for (int i = 0; i < maxEntries; i++)
        {
            final Reference<?> polled = null == next ? queue.poll() : next;
            next = null;
            if (null == polled)
            {
                break;
            }
            if (null == failure)
            {
                failure = new Throwable[1];
            }
            final WeakParent parent = (WeakParent)polled;
            freed += parent.segment.expunge(parent, failure);
        }
        if (null != failure && null != failure[0])
        {
            if (rethrow)
            {
                Segment.rethrow(failure[0]);
            }
            else if (LOGGER.isLoggable(System.Logger.Level.WARNING))
            {
                LOGGER.log(System.Logger.Level.WARNING,
                    "onParentCollected threw; the variables were freed anyway", failure[0]);
            }
        }
        return freed;
    }

    /**
     * Wait until no thread runs callbacks over blocks of this store (close calls this after
     * marking every segment closed, so no new one starts).
     *
     * @param timeoutNanos the bound.
     * @return true when none does; false when one still did after the bound.
     */
    public boolean awaitIdle(final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (0 != running.get())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }
}
