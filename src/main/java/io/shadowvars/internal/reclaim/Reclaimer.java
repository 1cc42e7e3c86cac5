package io.shadowvars.internal.reclaim;

import io.shadowvars.Reclamation;
import io.shadowvars.internal.Block;
import io.shadowvars.internal.WriteLock;
import io.shadowvars.internal.Memory;
import io.shadowvars.internal.PaddedLong;
import io.shadowvars.internal.alloc.SlabAllocator;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Deferred reuse of freed blocks: the store's stand-in for RCU's grace periods.
 *
 * <h2>EPOCH (after crossbeam-epoch, Fraser's epoch-based reclamation)</h2>
 * A global epoch {@code g}; each registered reader has a padded slot. {@code enter()} pins the
 * reader: it stores {@code g << 1 | 1} (opaque), then a full fence; {@code exit()} stores 0 with
 * release. A writer retires an unlinked block into the bag of the current epoch ({@code g % 3}).
 * To advance, a writer issues a full fence, then reads every slot (acquire): if every pinned
 * reader is pinned at {@code g}, it sets {@code g + 1} (release) and releases the bag of
 * {@code g - 1} to the allocator. <b>Why that is safe:</b> a block in bag {@code g - 1} was
 * unlinked before the epoch became {@code g}. A reader that can still hold it pinned at
 * {@code g - 1} or earlier, and would have blocked the advance from {@code g} to {@code g + 1}.
 * A reader pinned at {@code g} read the epoch {@code g} (acquire) after that unlink was released,
 * so it cannot find the block. The two full fences (reader after pinning, writer before scanning)
 * make sure a writer that read a reader's slot as unpinned is seen by that reader's later reads.
 *
 * <h2>QSBR (after Linux RCU / liburcu's QSBR flavour)</h2>
 * A reader's slot holds the last epoch it announced with {@code quiescent()} (release); at
 * registration it holds the current one. The writer advances from {@code g} once every reader has
 * announced {@code g} and releases bag {@code g - 1}: every reader has passed a quiescent state
 * after those blocks were unlinked. Nothing is added to {@code get}.
 *
 * <h2>NONE, and no readers</h2>
 * With {@code NONE}, or while no reader is registered, a retired block is released at once:
 * nobody can be in a section, and a reader registered later can only find what is linked then.
 *
 * <p>Writers try to advance after every {@value #ADVANCE_EVERY} retirements, when an allocation
 * would otherwise carve new memory, and in {@code stats()}.
 *
 * <p>All methods run under the store's write lock. Bags are intrusive lists
 * through the blocks' parent words, so retiring allocates nothing.
 */
public final class Reclaimer
{
    private static final ReaderHandle[] NO_READERS = new ReaderHandle[0];

    /**
     * Retirements between attempts to advance. An attempt costs a full fence and a read of every
     * reader's slot, each a cache miss when its owner wrote it on another core: crossbeam likewise
     * collects only every so many operations. Allocation also tries when it would otherwise carve
     * new memory, so memory is reused before the store grows.
     */
    static final int ADVANCE_EVERY = 32;

    private final Reclamation mode;
    private final boolean checked;
    private final SlabAllocator allocator;
    private final WriteLock lock;
    private final PaddedLong epoch = new PaddedLong(0);
    private final long[] bagHead = new long[3];
    private final long[] bagBytes = new long[3];
    private volatile ReaderHandle[] readers = NO_READERS;
    private long pendingBytes;
    private int retiredSinceAdvance;

    /**
     * Create a reclaimer.
     *
     * @param mode      the reclamation mode.
     * @param checked   whether reader handles verify their use.
     * @param allocator where reusable blocks go.
     * @param lock      the store's write lock.
     */
    public Reclaimer(final Reclamation mode, final boolean checked, final SlabAllocator allocator, final WriteLock lock)
    {
        this.lock = lock;
        this.mode = mode;
        this.checked = checked;
        this.allocator = allocator;
    }

    /**
     * Register a reader for the calling thread.
     *
     * @return a new handle.
     */
    public ReaderHandle register()
    {
        final ReaderHandle handle = new ReaderHandle(this, epoch, mode, checked,
            Reclamation.QSBR == mode ? epoch.getPlain() : 0L);
        if (Reclamation.NONE != mode)
        {
            final ReaderHandle[] old = readers;
            final ReaderHandle[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = handle;
            readers = grown;
        }
        return handle;
    }

    /**
     * Unregister a reader. Called by {@link ReaderHandle#close()}; takes the store's lock itself.
     *
     * @param handle the reader.
     */
    void unregister(final ReaderHandle handle)
    {
        lock.lock();
        try
        {
            final ReaderHandle[] old = readers;
            for (int i = 0; i < old.length; i++)
            {
                if (old[i] == handle)
                {
                    final ReaderHandle[] shrunk = new ReaderHandle[old.length - 1];
                    System.arraycopy(old, 0, shrunk, 0, i);
                    System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                    readers = shrunk;
                    if (0 == shrunk.length)
                    {
                        releaseAll();
                    }
                    return;
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Retire an unlinked block: it is released once no reader can hold it.
     *
     * @param header the block, already marked freed.
     */
    public void retire(final long header)
    {
        if (Reclamation.NONE == mode || 0 == readers.length)
        {
            allocator.release(header);
            return;
        }
        final int bag = (int)(epoch.getPlain() % 3);
        final long bytes = allocator.blockBytes(header);
        Memory.putLong(header + Block.PARENT_OFFSET, bagHead[bag]);
        bagHead[bag] = header;
        bagBytes[bag] += bytes;
        pendingBytes += bytes;
        if (++retiredSinceAdvance >= ADVANCE_EVERY)
        {
            tryAdvance();
        }
    }

    /**
     * Try to advance the epoch once, releasing the blocks whose grace period has then passed.
     *
     * @return true when the epoch advanced.
     */
    public boolean tryAdvance()
    {
        if (Reclamation.NONE == mode)
        {
            return false;
        }
        final ReaderHandle[] readers = this.readers;
        if (0 == readers.length)
        {
            releaseAll();
            return true;
        }
        final long g = epoch.getPlain();
        // Pairs with the fence in ReaderHandle.enter(): see the class comment.
        VarHandle.fullFence();
        for (final ReaderHandle reader : readers)
        {
            final long local = reader.local();
            if (Reclamation.EPOCH == mode)
            {
                if ((local & 1) != 0 && (local >>> 1) != g)
                {
                    return false;
                }
            }
            else if (local != g)
            {
                return false;
            }
        }
        epoch.setRelease(g + 1);
        releaseBag((int)((g + 2) % 3));
        retiredSinceAdvance = 0;
        return true;
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
     * Forget every pending block (the allocator is about to give all memory back).
     */
    public void close()
    {
        Arrays.fill(bagHead, 0);
        Arrays.fill(bagBytes, 0);
        pendingBytes = 0;
    }

    private void releaseAll()
    {
        for (int bag = 0; bag < 3; bag++)
        {
            releaseBag(bag);
        }
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
