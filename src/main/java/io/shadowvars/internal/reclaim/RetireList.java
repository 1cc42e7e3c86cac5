package io.shadowvars.internal.reclaim;

import io.shadowvars.internal.Block;
import io.shadowvars.internal.Memory;
import io.shadowvars.internal.alloc.BlockCache;
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
 * <h2>Chains per size class</h2>
 * The open list and each bag keep one chain per size class, with its tail, so that a bag whose
 * grace period has passed joins each class's free list with one write ({@link
 * SlabAllocator#releaseChain}) instead of one visit per block: the release costs a cache miss per
 * class in the bag, not per block (releasing block by block put the whole walk, one cold header
 * after another, on the one free that happened to seal). Blocks that need work of their own when
 * released (a large variable's dedicated allocation, the poison of checked mode) go on chain 0
 * (class numbers start at 1) and are released one by one.
 *
 * <p>Not thread-safe: used under its segment's write lock. Lists are intrusive, through the
 * blocks' parent words, so retiring allocates nothing.
 */
public final class RetireList
{
    /** Retirements between seals. A seal costs a full fence; an advance a read of every reader. */
    static final int COLLECT_EVERY = 32;

    /** The chain of blocks released one by one (large or checked); class numbers start at 1. */
    private static final int WALK = 0;

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
    private final boolean walkAll;

    // Chains, one per size class in use (most segments use one or two): chainClass[j] is chain
    // j's class (WALK for blocks released one by one); the open list and each bag keep a head
    // and a tail per chain. Grown on demand, so an idle segment holds a few small arrays.
    private int chains;
    private int[] chainClass = new int[2];
    private long[] openHead = new long[2];
    private long[] openTail = new long[2];
    private long openBytes;
    private int openCount;

    private final long[][] bagHead = {new long[2], new long[2], new long[2]};
    private final long[][] bagTail = {new long[2], new long[2], new long[2]};
    private final boolean[] bagFull = new boolean[3];
    private final long[] bagBytes = new long[3];
    private final long[] bagEpoch = new long[3];
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
        this.walkAll = allocator.isChecked();
    }

    /**
     * Retire an unlinked block: it is released once no reader can hold it.
     *
     * @param header the block, already marked freed.
     */
    public void retire(final long header)
    {
        retire(header, null);
    }

    /**
     * Retire an unlinked block: it is released once no reader can hold it. When no reader is
     * registered it is released at once, into the freeing thread's cache if it has room.
     *
     * @param header the block, already marked freed.
     * @param cache  the calling thread's block cache, or null for none.
     */
    public void retire(final long header, final BlockCache cache)
    {
        if (!reclaimer.mustDefer())
        {
            if (null == cache || !cache.push(header))
            {
                allocator.release(header);
            }
            return;
        }
        final int flags = Block.flags(header);
        final int chain = chainOf(walkAll || (flags & Block.INDIRECT) != 0 ? WALK : Block.sizeClass(flags));
        final long bytes = allocator.blockBytes(header);
        final long head = openHead[chain];
        Memory.putLong(header + Block.PARENT_OFFSET, head);
        if (0 == head)
        {
            openTail[chain] = header;
        }
        openHead[chain] = header;
        openBytes += bytes;
        PENDING.setOpaque(this, pendingBytes + bytes);
        if (++openCount >= COLLECT_EVERY)
        {
            collect();
        }
    }

    private int chainOf(final int cls)
    {
        final int[] chainClass = this.chainClass;
        for (int j = 0; j < chains; j++)
        {
            if (chainClass[j] == cls)
            {
                return j;
            }
        }
        if (chains == chainClass.length)
        {
            final int length = chains * 2;
            this.chainClass = java.util.Arrays.copyOf(chainClass, length);
            openHead = java.util.Arrays.copyOf(openHead, length);
            openTail = java.util.Arrays.copyOf(openTail, length);
            for (int bag = 0; bag < 3; bag++)
            {
                bagHead[bag] = java.util.Arrays.copyOf(bagHead[bag], length);
                bagTail[bag] = java.util.Arrays.copyOf(bagTail[bag], length);
            }
        }
        this.chainClass[chains] = cls;
        return chains++;
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
        if (0 == openCount)
        {
            return;
        }
        // Every block on the open list was unlinked before this fence: see the class comment.
        VarHandle.fullFence();
        final long g = reclaimer.epoch();
        releaseExpired(g);
        final int bag = (int)(g % 3);
        final long[] heads = bagHead[bag];
        final long[] tails = bagTail[bag];
        for (int j = 0; j < chains; j++)
        {
            final long head = openHead[j];
            if (0 == head)
            {
                continue;
            }
            final long oldHead = heads[j];
            if (0 == oldHead)
            {
                tails[j] = openTail[j];
            }
            else
            {
                Memory.putLong(openTail[j] + Block.PARENT_OFFSET, oldHead);
            }
            heads[j] = head;
            openHead[j] = 0;
            openTail[j] = 0;
        }
        bagFull[bag] = true;
        bagBytes[bag] += openBytes;
        bagEpoch[bag] = g;
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
            if (bagFull[bag] && bagEpoch[bag] + 2 <= g)
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
            java.util.Arrays.fill(bagHead[bag], 0);
            java.util.Arrays.fill(bagTail[bag], 0);
            bagFull[bag] = false;
            bagBytes[bag] = 0;
        }
        java.util.Arrays.fill(openHead, 0);
        java.util.Arrays.fill(openTail, 0);
        openBytes = 0;
        openCount = 0;
        PENDING.setOpaque(this, 0L);
    }

    private void releaseBag(final int bag)
    {
        final long[] heads = bagHead[bag];
        final long[] tails = bagTail[bag];
        for (int j = 0; j < chains; j++)
        {
            long header = heads[j];
            if (0 == header)
            {
                continue;
            }
            if (WALK == chainClass[j])
            {
                while (0 != header)
                {
                    final long next = Block.parent(header);
                    allocator.release(header);
                    header = next;
                }
            }
            else
            {
                allocator.releaseChain(chainClass[j], header, tails[j]);
            }
            heads[j] = 0;
            tails[j] = 0;
        }
        bagFull[bag] = false;
        PENDING.setOpaque(this, pendingBytes - bagBytes[bag]);
        bagBytes[bag] = 0;
    }
}
