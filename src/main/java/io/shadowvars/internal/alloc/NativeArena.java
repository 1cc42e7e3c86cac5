package io.shadowvars.internal.alloc;

import io.shadowvars.internal.Memory;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store-wide source of native memory that every segment's {@link SlabAllocator} carves from,
 * and the keeper of the memory cap.
 *
 * <p>This is the only shared state on the allocation path, and it is touched only when a
 * segment's allocator runs dry (a new slab), for a large variable's dedicated allocation, and when
 * a table grows: the common path (a block from a free list or from the current slab) never comes
 * here. The cap is a compare-and-set loop on one counter, so {@code maxMemory} is never exceeded
 * however many segments reserve at once. Slabs and dedicated allocations are Chronicle Bytes native
 * stores, recorded here (under this object's monitor: rare, short) so that {@link #close()} gives
 * every byte back.
 *
 * <p>Thread-safe.
 */
public final class NativeArena
{
    /** Addresses must fit in 48 bits, so the table can pack them into a slot with a fingerprint. */
    public static final long ADDRESS_LIMIT = 1L << 48;

    private final int alignment;
    private final long maxMemory;
    private final AtomicLong reservedBytes = new AtomicLong();
    private final ArrayList<BytesStore<?, ?>> slabs = new ArrayList<>();
    private final Long2ObjectHashMap<BytesStore<?, ?>> dedicated = new Long2ObjectHashMap<>();
    private boolean closed;

    /**
     * Create an arena.
     *
     * @param alignment alignment of the addresses it hands out, a power of two from 8.
     * @param maxMemory cap on reserved bytes.
     */
    public NativeArena(final int alignment, final long maxMemory)
    {
        this.alignment = alignment;
        this.maxMemory = maxMemory;
    }

    /**
     * Memory reserved so far: slabs, dedicated allocations and table reservations.
     *
     * @return bytes.
     */
    public long reservedBytes()
    {
        return reservedBytes.get();
    }

    /**
     * Count bytes against the memory cap (tables do so for their slots).
     *
     * @param bytes how many, from 0.
     * @return false, reserving nothing, when the cap would be exceeded.
     */
    public boolean reserve(final long bytes)
    {
        final AtomicLong reserved = this.reservedBytes;
        long current;
        do
        {
            current = reserved.get();
            if (bytes > maxMemory - current)
            {
                return false;
            }
        }
        while (!reserved.compareAndSet(current, current + bytes));
        return true;
    }

    /**
     * Give back bytes reserved with {@link #reserve}.
     *
     * @param bytes how many.
     */
    public void unreserve(final long bytes)
    {
        reservedBytes.addAndGet(-bytes);
    }

    /**
     * A new slab of at least {@code bytes}, aligned, counted against the cap. Its memory is not
     * zeroed (blocks are zeroed when handed out) and stays mapped until {@link #close()}.
     *
     * @param bytes usable bytes wanted.
     * @return the aligned base address, or 0 when the cap refuses it.
     */
    public long newSlab(final int bytes)
    {
        final BytesStore<?, ?> store = nativeStore((long)bytes + alignment);
        if (null == store)
        {
            return 0;
        }
        synchronized (this)
        {
            slabs.add(store);
        }
        return alignUp(store.addressForRead(0));
    }

    /**
     * A dedicated, zeroed allocation for a large variable's data, counted against the cap.
     *
     * @param size data size.
     * @return the aligned address, or 0 when the cap refuses it.
     */
    public long allocateDedicated(final int size)
    {
        final BytesStore<?, ?> store = nativeStore(alignUp(size) + alignment);
        if (null == store)
        {
            return 0;
        }
        final long address = alignUp(store.addressForRead(0));
        Memory.fill(address, size, (byte)0);
        synchronized (this)
        {
            dedicated.put(address, store);
        }
        return address;
    }

    /**
     * Give a dedicated allocation back at once.
     *
     * @param address from {@link #allocateDedicated(int)}.
     */
    public void releaseDedicated(final long address)
    {
        final BytesStore<?, ?> store;
        synchronized (this)
        {
            store = dedicated.remove(address);
        }
        if (null != store)
        {
            unreserve(store.capacity());
            store.releaseLast();
        }
    }

    /**
     * Bytes a dedicated allocation of {@code size} bytes of data holds (what it gives back).
     *
     * @param size data size.
     * @return its aligned size.
     */
    public long dedicatedBytes(final int size)
    {
        return alignUp(size);
    }

    /**
     * Give every slab and dedicated allocation back before returning. Idempotent.
     */
    public synchronized void close()
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
        reservedBytes.set(0);
        // Chronicle may hand releases to a background thread; the memory is to be back on return.
        BackgroundResourceReleaser.releasePendingResources();
    }

    private long alignUp(final long bytes)
    {
        return (bytes + alignment - 1) & -alignment;
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
            unreserve(capacity);
            throw new IllegalStateException("native address above 2^48 is not supported: 0x" +
                Long.toHexString(base));
        }
        return store;
    }
}
