package io.shadowvars.internal.alloc;

import io.shadowvars.internal.Block;
import io.shadowvars.internal.Memory;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import org.agrona.collections.Long2ObjectHashMap;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * Off-heap slab allocator of blocks (a {@link Block} header plus data), sized per allocation.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Size classes.</b> A block's stride is {@code dataOffset + size} rounded up to the
 *   alignment; above 512 bytes strides are further rounded to an eighth of their power of two, so
 *   no class wastes more than 12.5%. A class gets a dense number through a small
 *   table indexed by {@code stride / alignment} (about a hundred classes for 8-byte alignment).</li>
 *   <li><b>Slabs.</b> Each class carves blocks from its current slab with a bump pointer. Its first
 *   slab is small (so a store with few variables of many sizes stays small) and each later one is
 *   twice the last, up to 1 MiB. Slab memory is a Chronicle Bytes native store
 *   ({@code BytesStore.nativeStoreWithFixedCapacity}); slabs are given back only by
 *   {@link #close()}, so a header address stays readable for as long as the store is open.</li>
 *   <li><b>Free lists.</b> A freed block goes on its class's LIFO free list, linked through its
 *   header's parent word. Blocks are handed out zeroed.</li>
 *   <li><b>Large variables</b> (data over {@value #LARGE_DATA} bytes) get a dedicated native
 *   allocation for their data and a small INDIRECT block in a slab that holds its address, so the
 *   header a reader may read is always in slab memory.</li>
 *   <li><b>Memory cap.</b> Everything reserved (slabs, dedicated blocks and whatever the table
 *   {@link #reserve reserves}) is counted against {@code maxMemory}; going over it makes
 *   {@link #allocate} return 0, never throw.</li>
 *   <li><b>Checked mode</b> poisons the data of a block when it is freed and verifies the poison
 *   when the block is handed out again, so a write after free is reported.</li>
 * </ul>
 *
 * <p>Not thread-safe: the store calls it under its write lock.
 */
public final class SlabAllocator
{
    /** Data sizes above this get a dedicated allocation. */
    public static final int LARGE_DATA = 16 * 1024;
    /** Addresses must fit in 48 bits, so the table can pack them into a slot with a fingerprint. */
    public static final long ADDRESS_LIMIT = 1L << 48;

    private static final int FIRST_SLAB_MIN = 4 * 1024;
    private static final int SLAB_MAX = 1024 * 1024;

    private final int alignment;
    private final int dataOffset;
    private final long maxMemory;
    private final boolean checked;
    private final int indirectClass;
    private final short[] classByUnit;
    private final int[] classStride;

    private final long[] freeHead;
    private final long[] bumpNext;
    private final long[] bumpEnd;
    private final int[] nextSlabBytes;

    private final ArrayList<BytesStore<?, ?>> slabs = new ArrayList<>();
    private final Long2ObjectHashMap<BytesStore<?, ?>> dedicated = new Long2ObjectHashMap<>();
    private long reservedBytes;
    private boolean closed;

    /**
     * Create an allocator.
     *
     * @param alignment alignment of every data address, a power of two from 8.
     * @param maxMemory cap on reserved bytes.
     * @param checked   poison freed memory and verify it on reuse.
     */
    public SlabAllocator(final int alignment, final long maxMemory, final boolean checked)
    {
        this.alignment = alignment;
        this.dataOffset = Block.dataOffset(alignment);
        this.maxMemory = maxMemory;
        this.checked = checked;
        // Compact class numbers: strides are multiples of the alignment, but above 512 bytes only
        // eight per power of two occur. classByUnit maps stride / alignment to a dense class number.
        final int maxUnits = strideOf(dataOffset + LARGE_DATA) / alignment;
        this.classByUnit = new short[maxUnits + 1];
        final int[] strides = new int[maxUnits + 1];
        int classes = 0;
        for (int bytes = dataOffset; bytes <= dataOffset + LARGE_DATA; bytes += alignment)
        {
            final int stride = strideOf(bytes);
            if (0 == classByUnit[stride / alignment])
            {
                classes++;
                classByUnit[stride / alignment] = (short)classes;
                strides[classes] = stride;
            }
        }
        this.classStride = Arrays.copyOf(strides, classes + 1);
        this.freeHead = new long[classes + 1];
        this.bumpNext = new long[classes + 1];
        this.bumpEnd = new long[classes + 1];
        this.nextSlabBytes = new int[classes + 1];
        this.indirectClass = classByUnit[strideOf(dataOffset + 8) / alignment];
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
     * Memory reserved so far.
     *
     * @return bytes reserved from the OS, table reservations included.
     */
    public long reservedBytes()
    {
        return reservedBytes;
    }

    /**
     * Count bytes against the memory cap (the table does so for its slots).
     *
     * @param bytes how many.
     * @return false, reserving nothing, when the cap would be exceeded.
     */
    public boolean reserve(final long bytes)
    {
        if (bytes > maxMemory - reservedBytes)
        {
            return false;
        }
        reservedBytes += bytes;
        return true;
    }

    /**
     * Give back bytes reserved with {@link #reserve}.
     *
     * @param bytes how many.
     */
    public void unreserve(final long bytes)
    {
        reservedBytes -= bytes;
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
        final boolean large = size > LARGE_DATA;
        final int cls = classOf(size);
        long dedicatedAddress = 0;
        if (large)
        {
            dedicatedAddress = allocateDedicated(size);
            if (dedicatedAddress == 0)
            {
                return 0;
            }
        }

        long header = freeHead[cls];
        if (header != 0)
        {
            freeHead[cls] = Block.parent(header);
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
                if (large)
                {
                    releaseDedicated(dedicatedAddress);
                }
                return 0;
            }
        }

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
            Memory.zero(header + dataOffset, (long)classStride[cls] - dataOffset);
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
        return 0 != freeHead[classOf(size)];
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
            releaseDedicated(Memory.getLong(header + dataOffset));
        }
        if (checked)
        {
            Memory.fill(header + dataOffset, (long)classStride[cls] - dataOffset, Block.POISON);
        }
        Memory.putLong(header + Block.PARENT_OFFSET, freeHead[cls]);
        freeHead[cls] = header;
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
        final long stride = classStride[Block.sizeClass(flags)];
        return (flags & Block.INDIRECT) != 0 ? stride + alignUp(Block.size(header)) : stride;
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
     * Give every slab and dedicated allocation back, before returning. Idempotent.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final BytesStore<?, ?> slab : slabs)
        {
            slab.releaseLast();
        }
        slabs.clear();
        for (final BytesStore<?, ?> store : dedicated.values())
        {
            store.releaseLast();
        }
        dedicated.clear();
        reservedBytes = 0;
        // Chronicle may hand releases to a background thread; the memory is to be back on return.
        BackgroundResourceReleaser.releasePendingResources();
    }

    private int classOf(final int size)
    {
        return size > LARGE_DATA ? indirectClass : classByUnit[strideOf(dataOffset + size) / alignment];
    }

    private int strideOf(final int bytes)
    {
        int stride = (bytes + alignment - 1) & -alignment;
        if (stride > 512)
        {
            final int step = Math.max(alignment, Integer.highestOneBit(stride - 1) >>> 3);
            stride = (stride + step - 1) & -step;
        }
        return stride;
    }

    private long alignUp(final long bytes)
    {
        return (bytes + alignment - 1) & -alignment;
    }

    private long carve(final int cls)
    {
        final long stride = classStride[cls];
        long next = bumpNext[cls];
        if (next == 0 || next + stride > bumpEnd[cls])
        {
            int slabBytes = nextSlabBytes[cls];
            if (slabBytes == 0)
            {
                slabBytes = (int)Math.max(FIRST_SLAB_MIN, Math.min(SLAB_MAX, stride * 8));
            }
            slabBytes = (int)Math.max(slabBytes, stride);
            next = newSlab(slabBytes);
            if (next == 0)
            {
                return 0;
            }
            bumpEnd[cls] = next + slabBytes;
            nextSlabBytes[cls] = Math.min(SLAB_MAX, slabBytes * 2);
        }
        bumpNext[cls] = next + stride;
        return next;
    }

    private long newSlab(final int slabBytes)
    {
        final long capacity = slabBytes + alignment;
        final BytesStore<?, ?> store = nativeStore(capacity);
        if (store == null)
        {
            return 0;
        }
        slabs.add(store);
        return alignUp(store.addressForRead(0));
    }

    private long allocateDedicated(final int size)
    {
        final long capacity = alignUp(size) + alignment;
        final BytesStore<?, ?> store = nativeStore(capacity);
        if (store == null)
        {
            return 0;
        }
        final long address = alignUp(store.addressForRead(0));
        Memory.fill(address, size, (byte)0);
        dedicated.put(address, store);
        return address;
    }

    private void releaseDedicated(final long address)
    {
        final BytesStore<?, ?> store = dedicated.remove(address);
        if (store != null)
        {
            reservedBytes -= store.capacity();
            store.releaseLast();
        }
    }

    private BytesStore<?, ?> nativeStore(final long capacity)
    {
        if (!reserve(capacity))
        {
            return null;
        }
        final BytesStore<?, ?> store = BytesStore.nativeStoreWithFixedCapacity(capacity);
        final long base = store.addressForRead(0);
        if (base + capacity > ADDRESS_LIMIT)
        {
            store.releaseLast();
            reservedBytes -= capacity;
            throw new IllegalStateException("native address above 2^48 is not supported: 0x" +
                Long.toHexString(base));
        }
        return store;
    }

    private void verifyPoison(final long header, final int cls)
    {
        final long data = header + dataOffset;
        final long length = (long)classStride[cls] - dataOffset;
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
