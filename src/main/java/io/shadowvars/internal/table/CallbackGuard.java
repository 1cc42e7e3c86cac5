package io.shadowvars.internal.table;

import io.shadowvars.internal.alloc.BlockCache;

import java.util.ArrayList;
import java.util.List;

/**
 * A store's per-thread writer state: whether the calling thread is running one of the store's
 * constructors or destructors, so that a mutating call from inside one fails with
 * {@link IllegalStateException} instead of deadlocking (on its own segment's lock, or against a
 * {@code freeAll} that takes every lock in order while the callback's thread holds one and wants
 * another), and the thread's {@link BlockCache} of freed blocks when the store uses them.
 *
 * <p>One thread-local per store: the write path pays one thread-local lookup for both, and each
 * sees exactly the calling thread's own state. The caches are also listed here, so that those of
 * terminated threads can be handed back. Thread-safe.
 */
public final class CallbackGuard
{
    private static final String MESSAGE = "ShadowStore called from inside a ctor or dtor: only get() is allowed there";

    private final int classCount;
    private final boolean caches;
    private final List<BlockCache> cacheList = new ArrayList<>();
    private final ThreadLocal<Writer> writer = ThreadLocal.withInitial(this::newWriter);

    /** One thread's state for one store. */
    public static final class Writer
    {
        private final BlockCache cache;
        private int depth;

        Writer(final BlockCache cache)
        {
            this.cache = cache;
        }

        /**
         * Whether the thread is inside a callback of the store. Only its own thread may ask.
         *
         * @return true inside a constructor or destructor.
         */
        public boolean inside()
        {
            return 0 != depth;
        }

        /**
         * The thread's cache of freed blocks.
         *
         * @return the cache, or null when the store uses none.
         */
        public BlockCache cache()
        {
            return cache;
        }
    }

    /**
     * A guard no thread is inside.
     *
     * @param classCount the store's number of size classes.
     * @param caches     whether each writer thread gets a {@link BlockCache}.
     */
    public CallbackGuard(final int classCount, final boolean caches)
    {
        this.classCount = classCount;
        this.caches = caches;
    }

    private Writer newWriter()
    {
        if (!caches)
        {
            return new Writer(null);
        }
        final BlockCache cache = new BlockCache(classCount);
        synchronized (cacheList)
        {
            cacheList.add(cache);
        }
        return new Writer(cache);
    }

    /**
     * The calling thread's state, without the check of {@link #check()}.
     *
     * @return the calling thread's state.
     */
    public Writer writer()
    {
        return writer.get();
    }

    /**
     * The exception for a mutating call from inside a callback.
     *
     * @return a new exception.
     */
    public static IllegalStateException insideCallback()
    {
        return new IllegalStateException(MESSAGE);
    }

    /**
     * Throw when the calling thread is inside a callback of this store.
     *
     * @return the calling thread's state.
     * @throws IllegalStateException from inside a constructor or destructor.
     */
    public Writer check()
    {
        final Writer self = writer.get();
        if (0 != self.depth)
        {
            throw insideCallback();
        }
        return self;
    }

    /**
     * Whether the calling thread is inside a callback of this store.
     *
     * @return true inside a constructor or destructor.
     */
    public boolean inside()
    {
        return 0 != writer.get().depth;
    }

    /**
     * Mark the calling thread as inside a callback; pair with {@link #leave(Writer)} in a finally.
     *
     * @return the thread's state, to hand to {@link #leave(Writer)}.
     */
    public Writer enter()
    {
        return enter(writer.get());
    }

    /**
     * {@link #enter()} with the calling thread's state already in hand.
     *
     * @param self the calling thread's state.
     * @return {@code self}, to hand to {@link #leave(Writer)}.
     */
    public static Writer enter(final Writer self)
    {
        self.depth++;
        return self;
    }

    /**
     * Mark the calling thread as out of the callback it entered.
     *
     * @param self from {@link #enter()}.
     */
    public static void leave(final Writer self)
    {
        self.depth--;
    }

    /**
     * Hand the cached blocks of every terminated thread to a segment and forget those caches. The
     * caller holds every segment lock.
     *
     * @param segment where the blocks go (any segment: blocks serve every segment).
     * @return how many blocks were handed back.
     */
    public int reclaimTerminated(final Segment segment)
    {
        int reclaimed = 0;
        synchronized (cacheList)
        {
            for (int i = cacheList.size() - 1; i >= 0; i--)
            {
                final BlockCache cache = cacheList.get(i);
                if (cache.ownerTerminated())
                {
                    reclaimed += segment.adopt(cache);
                    cacheList.remove(i);
                }
            }
        }
        return reclaimed;
    }
}
