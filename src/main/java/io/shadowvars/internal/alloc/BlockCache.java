package io.shadowvars.internal.alloc;

import io.shadowvars.internal.Block;
import io.shadowvars.internal.Memory;

/**
 * One writer thread's freed blocks for one store, a few per size class, reused by that thread's
 * next allocations of the class whatever their segment (as jemalloc's tcache and mimalloc's
 * thread-local free lists keep a thread's frees for its own next allocations).
 *
 * <h2>Why</h2>
 * Blocks are fungible across segments: any block of a class serves any variable of that class,
 * and every slab stays mapped until the store closes. Without this cache a block freed in one
 * segment goes back to that segment's allocator and the next allocation pops a block from
 * another segment's list, so with two threads writing, the free lists' heads and the blocks
 * themselves travel between cores on almost every operation. With it a thread that frees and
 * allocates (churn on a pool) keeps its blocks and the lines they sit on.
 *
 * <h2>When</h2>
 * Only blocks whose release is immediate go here: the store has no reader that could still
 * hold them (a block retired while readers are registered waits for its grace period in its
 * segment's retire list as before). Not used for large variables (their dedicated allocation is
 * given back on release), in checked mode (the allocator poisons and verifies every block), nor
 * with a {@code maxMemory} cap (a block held here could not serve another thread at the cap).
 * A class holds at most {@value #PER_CLASS} blocks; beyond that, frees go to the segment's
 * allocator. The blocks of a thread that has terminated are handed back to an allocator by the
 * store's next all-segment operation ({@code stats()}, {@code reader()}, {@code freeAll}).
 *
 * <p>Not thread-safe: only its owner thread pushes and pops, and a terminated owner's cache is
 * drained under every segment lock.
 */
public final class BlockCache
{
    /** Blocks kept per size class. */
    public static final int PER_CLASS = 16;

    private final Thread owner;
    private final int classCount;
    // Made on the first push: a thread that only frees while readers are registered (or only
    // allocates) never needs them.
    private long[] head;
    private int[] count;

    /**
     * A cache for the calling thread.
     *
     * @param classCount the store's number of size classes (class numbers run from 1 to it).
     */
    public BlockCache(final int classCount)
    {
        this.owner = Thread.currentThread();
        this.classCount = classCount;
    }

    /**
     * Keep a freed block for the owner's next allocation of its class, when there is room.
     *
     * @param header a block marked freed, unlinked, which no reader can hold.
     * @return false when the block is large or its class is full: release it to an allocator.
     */
    public boolean push(final long header)
    {
        final int flags = Block.flags(header);
        if ((flags & Block.INDIRECT) != 0)
        {
            return false;
        }
        final int cls = Block.sizeClass(flags);
        if (null == count)
        {
            head = new long[classCount + 1];
            count = new int[classCount + 1];
        }
        if (count[cls] >= PER_CLASS)
        {
            return false;
        }
        Memory.putLong(header + Block.PARENT_OFFSET, head[cls]);
        head[cls] = header;
        count[cls]++;
        return true;
    }

    /**
     * Take a kept block of a class.
     *
     * @param cls the size class.
     * @return a freed block's header (its contents as freed), or 0 when none is kept.
     */
    public long pop(final int cls)
    {
        final long[] head = this.head;
        if (null == head)
        {
            return 0;
        }
        final long header = head[cls];
        if (0 != header)
        {
            head[cls] = Block.parent(header);
            count[cls]--;
        }
        return header;
    }

    /**
     * Whether the owner thread has terminated (its blocks can then be handed back).
     *
     * @return true once the owner is dead.
     */
    public boolean ownerTerminated()
    {
        return !owner.isAlive();
    }

    /**
     * Hand every kept block to an allocator and empty the cache. Only once the owner has terminated
     * (or from the owner itself), under the allocator's segment lock.
     *
     * @param allocator where the blocks go.
     * @return how many blocks were handed back.
     */
    public int drainTo(final SlabAllocator allocator)
    {
        int drained = 0;
        if (null == head)
        {
            return 0;
        }
        for (int cls = 1; cls < head.length; cls++)
        {
            long header;
            while (0 != (header = pop(cls)))
            {
                allocator.release(header);
                drained++;
            }
        }
        return drained;
    }
}
