package io.shadowvars.internal.alloc;

import io.shadowvars.internal.Block;
import io.shadowvars.internal.Memory;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One segment's allocator of blocks (a {@link Block} header plus data), sized per allocation.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Owned by a segment.</b> A store has one allocator per table segment, used only under
 *   that segment's write lock. A block serves a variable whose key hashes to the segment, so the
 *   thread that frees it holds the same lock as the one that allocated it: a free by any thread
 *   returns the block to the allocator that handed it out without a second lock, a remote-free
 *   stack or a hand-back batch (the segment is the cache; mimalloc's per-page free lists and
 *   Chronicle Map's per-segment space play the same part).</li>
 *   <li><b>Thread caches.</b> When a block's release is immediate (no reader registered) the
 *   freeing thread may keep it in its {@link BlockCache} instead, and its next allocation of the
 *   class, in any segment, takes it from there ({@link #allocate(int, BlockCache)}).</li>
 *   <li><b>Size classes</b> come from the store's shared {@link SizeClasses}.</li>
 *   <li><b>Runs of shared slabs.</b> Each class carves blocks from its current run with a bump
 *   pointer. A run is a piece of the class's slab, which the whole store shares: the store's
 *   {@link NativeArena} cuts it ({@link NativeArena#takeRun}), the only shared step, taken only
 *   when a class's run is used up. A segment's first run of a class holds about eight blocks and
 *   each later one twice as many, up to {@value #RUN_MAX} bytes (or one block), in whole cache
 *   lines: what a segment leaves unused is its last run's rest, not half a slab. Slabs are given
 *   back only when the store closes, so a header address stays readable for as long as the store
 *   is open.</li>
 *   <li><b>Free lists.</b> A freed block goes on its class's LIFO free list, linked through its
 *   header's parent word. Blocks are handed out zeroed.</li>
 *   <li><b>Large variables</b> (data over {@value SizeClasses#LARGE_DATA} bytes) get a dedicated
 *   allocation from the arena for their data and a small INDIRECT block in a slab that holds its
 *   address, so the header a reader may read is always in slab memory.</li>
 *   <li><b>Memory cap.</b> The arena counts everything reserved against {@code maxMemory}; going
 *   over it makes {@link #allocate} return 0, never throw.</li>
 *   <li><b>Checked mode</b> poisons the data of a block when it is released and verifies the
 *   poison when the block is handed out again, so a write after free is reported.</li>
 * </ul>
 *
 * <p>Not thread-safe: its segment calls it under the segment's write lock.
 */
public final class SlabAllocator
{
    /** Data sizes above this get a dedicated allocation. */
    public static final int LARGE_DATA = SizeClasses.LARGE_DATA;

    // A segment's runs of a class start at eight blocks and double up to this (or one block, when
    // a block is larger): small enough that the partly carved last run of each class in each
    // segment (up to 1024 segments) stays a small share of a store, large enough that taking one
    // (a monitor in the shared arena) is rare.
    private static final long RUN_MAX = 4 * 1024;

    private final SizeClasses classes;
    private final NativeArena arena;
    private final int dataOffset;
    private final boolean checked;

    private BlockSource overflow = cls -> 0;
    // Four words per size class, side by side so that an allocation reads one line: the free
    // list's head, the bump pointer and end of the class's current run, and the next run's size.
    // Grown on demand up to the highest class this allocator has seen: a store has about a hundred
    // classes and up to 1024 segments, most of which only ever see a few.
    private static final int FREE = 0;
    private static final int BUMP_NEXT = 1;
    private static final int BUMP_END = 2;
    private static final int NEXT_RUN = 3;
    private static final int WORDS = 4;
    private long[] perClass = new long[0];

    /**
     * Create an allocator with an arena of its own (for tests and single-segment use).
     *
     * @param alignment alignment of every data address, a power of two from 8.
     * @param maxMemory cap on reserved bytes.
     * @param checked   poison freed memory and verify it on reuse.
     */
    public SlabAllocator(final int alignment, final long maxMemory, final boolean checked)
    {
        this(new SizeClasses(alignment), new NativeArena(alignment, maxMemory), checked);
    }

    /**
     * Create a segment's allocator.
     *
     * @param classes the store's size classes.
     * @param arena   the store's native memory.
     * @param checked poison freed memory and verify it on reuse.
     */
    public SlabAllocator(final SizeClasses classes, final NativeArena arena, final boolean checked)
    {
        this.classes = classes;
        this.arena = arena;
        this.dataOffset = classes.dataOffset();
        this.checked = checked;
    }

    /**
     * Where to look for a freed block of a class when this allocator has none and the memory cap
     * refuses a new slab: the other segments' free lists (a segment holding memory it no longer
     * uses must not make the store refuse allocations elsewhere).
     *
     * @param overflow the source.
     */
    public void overflow(final BlockSource overflow)
    {
        this.overflow = overflow;
    }

    /**
     * Take a block off a class's free list, as it is (for another segment at the memory cap).
     *
     * @param cls the size class.
     * @return a freed block's header, or 0 when the list is empty.
     */
    public long popFree(final int cls)
    {
        final long header = freeHead(cls);
        if (0 != header)
        {
            perClass[cls * WORDS + FREE] = Block.parent(header);
        }
        return header;
    }

    private long freeHead(final int cls)
    {
        final long[] perClass = this.perClass;
        final int at = cls * WORDS + FREE;
        return at < perClass.length ? perClass[at] : 0;
    }

    /** This allocator's words for a class, grown to hold them when it first meets the class. */
    private long[] perClass(final int cls)
    {
        final long[] perClass = this.perClass;
        if (cls * WORDS + WORDS <= perClass.length)
        {
            return perClass;
        }
        final int needed = cls * WORDS + WORDS;
        final int doubled = Math.min((classes.count() + 1) * WORDS, perClass.length * 2);
        return this.perClass = Arrays.copyOf(perClass, Math.max(needed, doubled));
    }

    /**
     * Offset of the data from the header.
     *
     * @return bytes from a header to its data.
     */
    public int dataOffset()
    {
        return dataOffset;
    }

    /**
     * Memory reserved so far by the whole arena (every segment, tables included).
     *
     * @return bytes reserved from the OS.
     */
    public long reservedBytes()
    {
        return arena.reservedBytes();
    }

    /**
     * Allocate a zeroed block for a variable of {@code size} bytes.
     *
     * <p>The header's size and flags (size class, LIVE, and INDIRECT for a large variable) are
     * written; the caller writes the parent and id and may add the OBJECT flag.
     *
     * @param size data size, from 0.
     * @return the header address, or 0 when the memory cap refuses it.
     */
    public long allocate(final int size)
    {
        return allocate(size, null);
    }

    /**
     * Allocate a zeroed block for a variable of {@code size} bytes, taking it from the calling
     * thread's cache of freed blocks first.
     *
     * @param size  data size, from 0.
     * @param cache the calling thread's cache, or null for none.
     * @return the header address, or 0 when the memory cap refuses it.
     * @see #allocate(int)
     */
    public long allocate(final int size, final BlockCache cache)
    {
        if (null != cache && size <= LARGE_DATA)
        {
            final int cls = classes.classOf(size);
            final long cached = cache.pop(cls);
            if (0 != cached)
            {
                return prepare(cached, size, cls, false, 0);
            }
        }
        final boolean large = size > LARGE_DATA;
        final int cls = classes.classOf(size);
        long dedicatedAddress = 0;
        if (large)
        {
            dedicatedAddress = arena.allocateDedicated(size);
            if (dedicatedAddress == 0)
            {
                return 0;
            }
        }

        long header = freeHead(cls);
        if (header != 0)
        {
            perClass[cls * WORDS + FREE] = Block.parent(header);
            if (checked)
            {
                verifyPoison(header, cls);
            }
        }
        else
        {
            header = carve(cls);
            if (header == 0)
            {
                header = overflow.take(cls);
                if (header == 0)
                {
                    if (large)
                    {
                        arena.releaseDedicated(dedicatedAddress);
                    }
                    return 0;
                }
                if (checked)
                {
                    verifyPoison(header, cls);
                }
            }
        }

        return prepare(header, size, cls, large, dedicatedAddress);
    }

    private long prepare(final long header, final int size, final int cls, final boolean large, final long dedicatedAddress)
    {
        // A lock-free reader may still be reading this header from its previous life; the table's
        // version was bumped when that life ended. Order that bump before these writes so the
        // reader's version re-check sees it whenever it saw one of them.
        VarHandle.storeStoreFence();
        Memory.putLong(header + Block.PARENT_OFFSET, 0);
        Memory.putInt(header + Block.SIZE_OFFSET, size);
        Memory.putInt(header + Block.FLAGS_OFFSET,
            (cls << Block.CLASS_SHIFT) | Block.STATE_LIVE | (large ? Block.INDIRECT : 0));
        if (large)
        {
            Memory.putLong(header + dataOffset, dedicatedAddress);
        }
        else
        {
            Memory.zero(header + dataOffset, (long)classes.stride(cls) - dataOffset);
        }
        return header;
    }

    /**
     * Whether a freed block is ready for a variable of this size (no new memory would be carved).
     *
     * @param size data size.
     * @return true when the size class's free list is not empty.
     */
    public boolean hasFreeBlock(final int size)
    {
        return 0 != freeHead(classes.classOf(size));
    }

    /**
     * Mark a live block as freed, before it waits for its grace period.
     *
     * @param header the block.
     * @throws IllegalStateException when the block is not live: a double free.
     */
    public void markFreed(final long header)
    {
        final int flags = Block.flags(header);
        if ((flags & Block.STATE_MASK) != Block.STATE_LIVE)
        {
            throw new IllegalStateException("double free of shadow block 0x" + Long.toHexString(header) +
                " (state 0x" + Integer.toHexString((flags & Block.STATE_MASK) >>> 8) + ")");
        }
        Memory.putInt(header + Block.FLAGS_OFFSET, (flags & ~Block.STATE_MASK) | Block.STATE_FREE);
    }

    /**
     * Return a block marked freed to its free list: its memory may be reused from now on.
     *
     * @param header the block.
     */
    public void release(final long header)
    {
        final int flags = Block.flags(header);
        final int cls = Block.sizeClass(flags);
        if ((flags & Block.INDIRECT) != 0)
        {
            arena.releaseDedicated(Memory.getLong(header + dataOffset));
        }
        if (checked)
        {
            Memory.fill(header + dataOffset, (long)classes.stride(cls) - dataOffset, Block.POISON);
        }
        final long[] perClass = perClass(cls);
        Memory.putLong(header + Block.PARENT_OFFSET, perClass[cls * WORDS + FREE]);
        perClass[cls * WORDS + FREE] = header;
    }

    /**
     * Return a chain of freed blocks of one class to its free list in one step: the chain, linked
     * through the blocks' parent words from {@code head} to {@code tail} (whose link is
     * overwritten), joins the front of the list. Only for blocks {@link #release} would do nothing
     * else for: not large (no dedicated allocation to give back) and not in checked mode (no
     * poison to write).
     *
     * @param cls  the blocks' size class.
     * @param head the first block of the chain.
     * @param tail the last block of the chain.
     */
    public void releaseChain(final int cls, final long head, final long tail)
    {
        final long[] perClass = perClass(cls);
        Memory.putLong(tail + Block.PARENT_OFFSET, perClass[cls * WORDS + FREE]);
        perClass[cls * WORDS + FREE] = head;
    }

    /**
     * Whether this allocator poisons released blocks (checked mode), so each block must be
     * released on its own.
     *
     * @return true in checked mode.
     */
    public boolean isChecked()
    {
        return checked;
    }

    /**
     * Bytes a block holds: its stride, plus its dedicated allocation for a large variable.
     *
     * @param header the block.
     * @return bytes that become reusable when the block is released.
     */
    public long blockBytes(final long header)
    {
        final int flags = Block.flags(header);
        final long stride = classes.stride(Block.sizeClass(flags));
        return (flags & Block.INDIRECT) != 0 ? stride + arena.dedicatedBytes(Block.size(header)) : stride;
    }

    /**
     * The data address of a block.
     *
     * @param header the block.
     * @return the address of its first data byte.
     */
    public long dataAddress(final long header)
    {
        return (Block.flags(header) & Block.INDIRECT) != 0 ?
            Memory.getLong(header + dataOffset) : header + dataOffset;
    }

    /**
     * Give every slab and dedicated allocation of the arena back (the whole store's), before
     * returning. Idempotent.
     */
    public void close()
    {
        arena.close();
    }

    private long carve(final int cls)
    {
        final int stride = classes.stride(cls);
        final long[] perClass = perClass(cls);
        final int base = cls * WORDS;
        long next = perClass[base + BUMP_NEXT];
        if (next == 0 || next + stride > perClass[base + BUMP_END])
        {
            long runBytes = perClass[base + NEXT_RUN];
            if (runBytes == 0)
            {
                runBytes = roundToLines(Math.min(RUN_MAX, 8L * stride));
            }
            runBytes = Math.max(runBytes, stride);
            next = arena.takeRun(cls, stride, runBytes);
            while (next == 0)
            {
                // Near the cap: a smaller run may still fit, down to one block.
                final long smaller = Math.max(stride, (runBytes >>> 1) & -classes.alignment());
                if (smaller == runBytes)
                {
                    return 0;
                }
                runBytes = smaller;
                next = arena.takeRun(cls, stride, runBytes);
            }
            perClass[base + BUMP_END] = next + runBytes;
            perClass[base + NEXT_RUN] = Math.max(stride, Math.min(RUN_MAX, runBytes * 2));
        }
        perClass[base + BUMP_NEXT] = next + stride;
        return next;
    }

    /**
     * Bytes rounded up to whole cache lines (and to the alignment, when it is larger), so that two
     * segments' runs never share a line.
     */
    private long roundToLines(final long bytes)
    {
        final long line = arena.lineSize();
        return (bytes + line - 1) & -line;
    }

    private void verifyPoison(final long header, final int cls)
    {
        final long data = header + dataOffset;
        final long length = (long)classes.stride(cls) - dataOffset;
        for (long i = 0; i < length; i++)
        {
            if (Memory.getByte(data + i) != Block.POISON)
            {
                throw new IllegalStateException("shadow data at 0x" + Long.toHexString(data) +
                    " was written after it was freed (byte " + i + " is not poison)");
            }
        }
    }
}
