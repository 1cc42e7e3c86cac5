package io.shadowvars.internal.table;

/**
 * Knows whether the calling thread is running one of a store's constructors or destructors, so
 * that a mutating call from inside one fails with {@link IllegalStateException} instead of
 * deadlocking (on its own segment's lock, or against a {@code freeAll} that takes every lock in
 * order while the callback's thread holds one and wants another).
 *
 * <p>A thread-local depth, one per store: the write path pays one thread-local lookup, and the
 * check sees exactly the calling thread's own state. Thread-safe.
 */
public final class CallbackGuard
{
    private static final String MESSAGE = "ShadowStore called from inside a ctor or dtor: only get() is allowed there";

    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    /** A guard no thread is inside. */
    public CallbackGuard()
    {
    }

    /**
     * Throw when the calling thread is inside a callback of this store.
     *
     * @throws IllegalStateException from inside a constructor or destructor.
     */
    public void check()
    {
        if (0 != depth.get()[0])
        {
            throw new IllegalStateException(MESSAGE);
        }
    }

    /**
     * Whether the calling thread is inside a callback of this store.
     *
     * @return true inside a constructor or destructor.
     */
    public boolean inside()
    {
        return 0 != depth.get()[0];
    }

    /**
     * Mark the calling thread as inside a callback; pair with {@link #leave(int[])} in a finally.
     *
     * @return the thread's depth cell, to hand to {@link #leave(int[])}.
     */
    public int[] enter()
    {
        final int[] cell = depth.get();
        cell[0]++;
        return cell;
    }

    /**
     * Mark the calling thread as out of the callback it entered.
     *
     * @param cell from {@link #enter()}.
     */
    public void leave(final int[] cell)
    {
        cell[0]--;
    }
}
