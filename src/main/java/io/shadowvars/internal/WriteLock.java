package io.shadowvars.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

abstract class WriteLockPadLhs
{
    byte p000, p001, p002, p003, p004, p005, p006, p007;
    byte p010, p011, p012, p013, p014, p015, p016, p017;
    byte p020, p021, p022, p023, p024, p025, p026, p027;
    byte p030, p031, p032, p033, p034, p035, p036, p037;
    byte p040, p041, p042, p043, p044, p045, p046, p047;
    byte p050, p051, p052, p053, p054, p055, p056, p057;
    byte p060, p061, p062, p063, p064, p065, p066, p067;
    byte p070, p071, p072, p073, p074, p075, p076, p077;
}

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
 * <p>The state and the holder are the first fields after 64 bytes of padding; a subclass may add
 * the fields its holder writes on every operation (a segment's counters), so that taking the lock
 * and updating them touch one cache line, and pad after them itself.
 *
 * <p>Not reentrant. The holder is recorded (a plain field, written and cleared only by the
 * holder), so that the one way a thread can ask again while holding it — a store call from inside
 * a constructor or destructor — fails with {@link IllegalStateException} instead of deadlocking.
 * Another thread may read a stale holder, but never its own thread: a thread's own writes (set,
 * then clear) are the latest it can see of them.
 */
public class WriteLock extends WriteLockPadLhs
{
    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(WriteLock.class, "state", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    private static final long NAP_NANOS = 10_000;

    /** 0 free, 1 held. */
    private long state;
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
        if (!STATE.compareAndSet(this, 0L, 1L))
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
        if (0 == (long)STATE.getOpaque(this) && STATE.compareAndSet(this, 0L, 1L))
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
        STATE.setRelease(this, 0L);
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

    /**
     * Called once by a thread that found the lock held, before it waits. A subclass throws here
     * when the calling thread must never wait for this lock (a thread inside a store callback
     * holds another segment's lock, and waiting could deadlock against a {@code freeAll} that
     * holds this one and wants that one). Does nothing by default.
     */
    protected void beforeWaiting()
    {
    }

    private void lockSlow()
    {
        if (owner == Thread.currentThread())
        {
            throw new IllegalStateException(
                "ShadowStore called from inside a ctor or dtor: only get() is allowed there");
        }
        beforeWaiting();
        int attempts = 0;
        while (true)
        {
            if (0 == (long)STATE.getOpaque(this) && STATE.compareAndSet(this, 0L, 1L))
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
