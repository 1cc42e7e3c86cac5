package io.shadowvars.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The store's write lock: a test-and-test-and-set spin lock, as the kernel's {@code shadow_lock}
 * is a spinlock. Taking it costs one compare-and-set and giving it back one release store. An
 * uncontended {@code synchronized} block costs two locked instructions, and every locked
 * instruction stops the CPU from overlapping the cache misses of the code after it with those of
 * the code before it, which is what a store working over a large table lives on.
 *
 * <p>A waiter spins briefly, then yields, then parks in short naps: writers hold the lock for a
 * table operation and a constructor or destructor, so waits are short, but this machine class
 * may have fewer cores than threads, and a waiter must not burn the holder's core.
 *
 * <p>Not reentrant. The holder is recorded (a plain field, written and cleared only by the
 * holder), so that the one way a thread can ask again while holding it — a store call from inside
 * a constructor or destructor — fails with {@link IllegalStateException} instead of deadlocking.
 * Another thread may read a stale holder, but never its own thread: a thread's own writes (set,
 * then clear) are the latest it can see of them.
 */
public final class WriteLock
{
    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    private static final long NAP_NANOS = 10_000;

    /** 0 free, 1 held; on a cache line of its own. */
    private final PaddedLong state = new PaddedLong(0);
    /** The holder, or null; written only by the holder. */
    private Thread owner;

    /** An unheld lock. */
    public WriteLock()
    {
    }

    /**
     * Take the lock, waiting as long as it takes.
     *
     * @throws IllegalStateException when the calling thread already holds it (a store call from
     *                               inside a constructor or destructor).
     */
    public void lock()
    {
        if (!state.compareAndSet(0, 1))
        {
            lockSlow();
        }
        owner = Thread.currentThread();
    }

    /**
     * Take the lock only if it is free now; never waits.
     *
     * @return true when taken.
     */
    public boolean tryLock()
    {
        if (0 == state.getOpaque() && state.compareAndSet(0, 1))
        {
            owner = Thread.currentThread();
            return true;
        }
        return false;
    }

    /** Give the lock back. Only its holder may call this. */
    public void unlock()
    {
        owner = null;
        // Release: everything written under the lock happens before the next holder's acquire.
        state.setRelease(0);
    }

    /**
     * Whether the calling thread holds the lock.
     *
     * @return true for the holder.
     */
    public boolean isHeldByCurrentThread()
    {
        return owner == Thread.currentThread();
    }

    private void lockSlow()
    {
        if (owner == Thread.currentThread())
        {
            throw new IllegalStateException(
                "ShadowStore called from inside a ctor or dtor: only get() is allowed there");
        }
        int attempts = 0;
        while (true)
        {
            if (0 == state.getOpaque() && state.compareAndSet(0, 1))
            {
                return;
            }
            attempts++;
            if (attempts < SPINS)
            {
                Thread.onSpinWait();
            }
            else if (attempts < SPINS + YIELDS)
            {
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(NAP_NANOS);
            }
        }
    }
}
