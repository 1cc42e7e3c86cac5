package io.shadowvars.internal.reclaim;

import io.shadowvars.internal.Block;
import io.shadowvars.internal.Memory;
import io.shadowvars.internal.alloc.SlabAllocator;

import java.lang.invoke.VarHandle;

/**
 * One segment's freed blocks waiting for their grace period: the per-segment half of
 * reclamation (the store-wide half, the epoch and the readers, is {@link Reclaimer}).
 *
 * <h2>Protocol</h2>
 * A block unlinked from the segment's table goes on the <i>open</i> list, untagged. Every
 * {@value #COLLECT_EVERY} retirements (and when an allocation would otherwise carve new memory,
 * and in {@code stats()}) the segment <i>seals</i> the open list: a full fence, then a read of the
 * global epoch {@code t}, and the list joins bag {@code t % 3}, tagged {@code t}. Every block of
 * the list was unlinked before that fence (by this thread or, under the same lock, by an earlier
 * holder, whose unlock happens before this thread's lock), which is what {@link Reclaimer}'s
 * argument needs. Then it tries to advance the epoch and releases to the segment's allocator
 * every bag whose tag is at least two epochs old. Tagging late only delays reuse; it never
 * hastens it.
 *
 * <p>At most three bags are ever in use: at a seal at epoch {@code g}, bags tagged {@code g - 2}
 * or older are released first, so bag {@code g % 3} is empty or already tagged {@code g}.
 *
 * <p>Not thread-safe: used under its segment's write lock. Lists are intrusive, through the
 * blocks' parent words, so retiring allocates nothing.
 */
public final class RetireList
{
    /** Retirements between seals. A seal costs a full fence; an advance a read of every reader. */
    static final int COLLECT_EVERY = 32;

    private static final VarHandle PENDING;

    static
    {
        try
        {
            PENDING = java.lang.invoke.MethodHandles.lookup().findVarHandle(RetireList.class, "pendingBytes", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Reclaimer reclaimer;
    private final SlabAllocator allocator;
    private final long[] bagHead = new long[3];
    private final long[] bagBytes = new long[3];
    private final long[] bagEpoch = new long[3];
    private long openHead;
    private long openTail;
    private long openBytes;
    private int openCount;
    private long pendingBytes;

    /**
     * Create a segment's retire list.
     *
     * @param reclaimer the store's epoch and readers.
     * @param allocator the segment's allocator, where reusable blocks go.
     */
    public RetireList(final Reclaimer reclaimer, final SlabAllocator allocator)
    {
        this.reclaimer = reclaimer;
        this.allocator = allocator;
    }

    /**
     * Retire an unlinked block: it is released once no reader can hold it.
     *
     * @param header the block, already marked freed.
     */
    public void retire(final long header)
    {
        if (!reclaimer.mustDefer())
        {
            allocator.release(header);
            return;
        }
        final long bytes = allocator.blockBytes(header);
        Memory.putLong(header + Block.PARENT_OFFSET, openHead);
        if (0 == openHead)
        {
            openTail = header;
        }
        openHead = header;
        openBytes += bytes;
        pendingBytes += bytes;
        if (++openCount >= COLLECT_EVERY)
        {
            collect();
        }
    }

    /**
     * Seal the open list, try to advance the epoch, and release what has waited long enough.
     */
    public void collect()
    {
        seal();
        if (0 == pendingBytes)
        {
            return;
        }
        reclaimer.tryAdvance();
        releaseExpired(reclaimer.epoch());
    }

    /**
     * Tag the open list with the current epoch (after a full fence) and move it into its bag.
     */
    public void seal()
    {
        if (0 == openHead)
        {
            return;
        }
        // Every block on the open list was unlinked before this fence: see the class comment.
        VarHandle.fullFence();
        final long g = reclaimer.epoch();
        releaseExpired(g);
        final int bag = (int)(g % 3);
        Memory.putLong(openTail + Block.PARENT_OFFSET, bagHead[bag]);
        bagHead[bag] = openHead;
        bagBytes[bag] += openBytes;
        bagEpoch[bag] = g;
        openHead = 0;
        openTail = 0;
        openBytes = 0;
        openCount = 0;
    }

    /**
     * Release every bag tagged two or more epochs before {@code g}.
     *
     * @param g the current global epoch.
     */
    public void releaseExpired(final long g)
    {
        for (int bag = 0; bag < 3; bag++)
        {
            if (0 != bagHead[bag] && bagEpoch[bag] + 2 <= g)
            {
                releaseBag(bag);
            }
        }
    }

    /**
     * Bytes retired and not yet released.
     *
     * @return the pending bytes.
     */
    public long pendingBytes()
    {
        return pendingBytes;
    }

    /**
     * Bytes retired and not yet released, read without the segment's lock.
     *
     * @return the pending bytes as some value they had.
     */
    public long pendingBytesOpaque()
    {
        return (long)PENDING.getOpaque(this);
    }

    /**
     * Release everything now: no reader is registered any more.
     */
    public void releaseAll()
    {
        seal();
        for (int bag = 0; bag < 3; bag++)
        {
            releaseBag(bag);
        }
    }

    /**
     * Forget every pending block (the arena is about to give all memory back).
     */
    public void close()
    {
        for (int bag = 0; bag < 3; bag++)
        {
            bagHead[bag] = 0;
            bagBytes[bag] = 0;
        }
        openHead = 0;
        openTail = 0;
        openBytes = 0;
        openCount = 0;
        pendingBytes = 0;
    }

    private void releaseBag(final int bag)
    {
        long header = bagHead[bag];
        bagHead[bag] = 0;
        pendingBytes -= bagBytes[bag];
        bagBytes[bag] = 0;
        while (0 != header)
        {
            final long next = Block.parent(header);
            allocator.release(header);
            header = next;
        }
    }
}
