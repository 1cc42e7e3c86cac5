package io.shadowvars.internal.alloc;

import io.shadowvars.internal.Memory;
import io.shadowvars.internal.jfr.SlabEvent;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store-wide source of native memory that every segment's {@link SlabAllocator} carves from,
 * and the keeper of the memory cap.
 *
 * <p>This is the only shared state on the allocation path, and it is touched only when a
 * segment's allocator has used up its current run of a size class (a new run), for a large
 * variable's dedicated allocation, and when a table grows: the common path (a block from a free
 * list or from the current run) never comes here.
 *
 * <p><b>Shared slabs, cut into runs.</b> Each size class has one current slab for the whole store,
 * and segments take runs of blocks from it ({@link #takeRun}), a few KiB at a time. A segment's
 * partly used run is all it leaves unused, so a store of many segments wastes a few KiB per
 * segment and class instead of half a slab each: with a slab per segment and class, 128
 * segments left about 7 bytes per 16-byte variable unused at 1M variables (docs/PERFORMANCE.md,
 * "Slabs shared by the segments"). A class's first slab is small, and each next one twice the
 * last, up to {@value #SLAB_MAX} bytes.
 *
 * <p>The cap is a compare-and-set loop on one counter, so {@code maxMemory} is never exceeded
 * however many segments reserve at once. Slabs and dedicated allocations are Chronicle Bytes native
 * stores, recorded here (under this object's monitor: rare, short) so that {@link #close()} gives
 * every byte back.
 *
 * <p>When the operating system refuses memory ({@code Unsafe.allocateMemory} throws
 * {@link OutOfMemoryError} when {@code malloc} returns null), the request is refused as one over
 * the cap is: 0, nothing reserved, nothing recorded. Tests make that happen with a
 * {@link FaultInjector}.
 *
 * <p>Thread-safe.
 */
public final class NativeArena
{
    /** Addresses must fit in 48 bits, so the table can pack them into a slot with a fingerprint. */
    public static final long ADDRESS_LIMIT = 1L << 48;

    // A class's first shared slab holds a few runs; each next one doubles, up to this. The partly
    // used last slab of each class is the store's only unused memory besides the segments' runs:
    // under 64 KiB per class, however large the store (a larger slab would waste more in a store
    // of a few thousand variables and save nothing measurable in a large one).
    private static final long FIRST_SLAB_MIN = 4 * 1024;
    private static final long SLAB_MAX = 64 * 1024;
    private static final long CACHE_LINE = 64;

    private final int alignment;
    // Slab bases sit on a cache line (or the alignment, when larger), and runs are whole lines, so
    // two segments' runs never share a line.
    private final long slabAlignment;
    private final long maxMemory;
    private final AtomicLong reservedBytes = new AtomicLong();
    private final ArrayList<BytesStore<?, ?>> slabs = new ArrayList<>();
    private final Long2ObjectHashMap<BytesStore<?, ?>> dedicated = new Long2ObjectHashMap<>();
    private boolean closed;
    // Per size class, under this object's monitor: the current slab's unused part [runNext, runEnd)
    // and the next slab's size. Grown on demand to the highest class seen.
    private long[] runNext = new long[0];
    private long[] runEnd = new long[0];
    private long[] nextSlab = new long[0];
    // Tests only; null otherwise. Read on the slow paths alone (new slab, dedicated block, growth).
    private volatile FaultInjector faults;

    /**
     * Create an arena.
     *
     * @param alignment alignment of the addresses it hands out, a power of two from 8.
     * @param maxMemory cap on reserved bytes.
     */
    public NativeArena(final int alignment, final long maxMemory)
    {
        this.alignment = alignment;
        this.slabAlignment = Math.max(CACHE_LINE, alignment);
        this.maxMemory = maxMemory;
    }

    /**
     * The unit a segment's runs are rounded to and every shared slab starts on: a cache line, or
     * the alignment when that is larger. Runs of whole units from line-aligned slabs never share
     * a line, so two segments' allocators never write one line.
     *
     * @return bytes, a power of two.
     */
    public long lineSize()
    {
        return slabAlignment;
    }

    /**
     * For tests: make chosen memory requests fail (see {@link FaultInjector}).
     *
     * @param faults the injector, or null for none (the default).
     */
    public void faults(final FaultInjector faults)
    {
        this.faults = faults;
    }

    /**
     * Whether a test's {@link FaultInjector} fails this request (always false without one). Called
     * by the arena before it asks the OS for memory and by tables before they grow.
     *
     * @param site  what is asked for.
     * @param bytes how much.
     * @return true when the request is to fail.
     * @throws OutOfMemoryError when the injector throws it.
     */
    public boolean faultAt(final FaultInjector.Site site, final long bytes)
    {
        final FaultInjector faults = this.faults;
        return null != faults && faults.fail(site, bytes);
    }

    /**
     * The cap on reserved bytes.
     *
     * @return the {@code maxMemory} the arena was created with.
     */
    public long maxMemory()
    {
        return maxMemory;
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
     * A run of {@code runBytes} bytes for blocks of one size class, cut from the class's current
     * shared slab; a new slab is taken when the current one has less left (its rest stays for a
     * smaller run, asked for near the cap). Runs never overlap and stay mapped until
     * {@link #close()}; the slab's base is on a cache line (or the alignment, when larger), so
     * runs of whole lines start on one. Not zeroed.
     *
     * @param cls      the size class index (from 1).
     * @param stride   the class's block stride, for the slab event.
     * @param runBytes bytes wanted, a multiple of the alignment (of whole cache lines, except a
     *                 smaller run near the cap).
     * @return the run's address, or 0 when the cap or the operating system refuses a slab that
     *         could hold it.
     */
    public synchronized long takeRun(final int cls, final int stride, final long runBytes)
    {
        if (cls >= runNext.length)
        {
            final int length = Math.max(cls + 1, runNext.length * 2);
            runNext = Arrays.copyOf(runNext, length);
            runEnd = Arrays.copyOf(runEnd, length);
            nextSlab = Arrays.copyOf(nextSlab, length);
        }
        long next = runNext[cls];
        if (0 == next || runBytes > runEnd[cls] - next)
        {
            long slabBytes = Math.max(runBytes, 0 == nextSlab[cls] ? Math.max(FIRST_SLAB_MIN, 4 * runBytes) : nextSlab[cls]);
            final SlabEvent event = new SlabEvent();
            event.begin();
            long base = newSlab(slabBytes);
            while (0 == base && slabBytes > runBytes)
            {
                // Near the cap: a smaller slab may still fit, down to the run itself.
                slabBytes = Math.max(runBytes, (slabBytes >>> 1) & -alignment);
                base = newSlab(slabBytes);
            }
            event.end();
            if (event.shouldCommit())
            {
                event.bytes = slabBytes;
                event.stride = stride;
                event.refused = 0 == base;
                event.commit();
            }
            if (0 == base)
            {
                return 0;
            }
            next = base;
            runEnd[cls] = base + slabBytes;
            nextSlab[cls] = Math.min(SLAB_MAX, Math.max(slabBytes, nextSlab[cls]) * 2);
        }
        runNext[cls] = next + runBytes;
        return next;
    }

    /**
     * A new slab of at least {@code bytes}, its base on a cache-line boundary (or the alignment,
     * when larger), counted against the cap. Its memory is not zeroed (blocks are zeroed when
     * handed out) and stays mapped until {@link #close()}.
     */
    private long newSlab(final long bytes)
    {
        final BytesStore<?, ?> store = nativeStore(bytes + slabAlignment, FaultInjector.Site.SLAB);
        if (null == store)
        {
            return 0;
        }
        try
        {
            synchronized (this)
            {
                slabs.add(store);
            }
        }
        catch (final OutOfMemoryError ex)
        {
            // The list could not grow: give the slab back rather than lose track of it.
            free(store);
            return 0;
        }
        return (store.addressForRead(0) + slabAlignment - 1) & -slabAlignment;
    }

    /**
     * A dedicated, zeroed allocation for a large variable's data, counted against the cap.
     *
     * @param size data size.
     * @return the aligned address, or 0 when the cap or the operating system refuses it.
     */
    public long allocateDedicated(final int size)
    {
        final BytesStore<?, ?> store = nativeStore(alignUp(size) + alignment, FaultInjector.Site.DEDICATED);
        if (null == store)
        {
            return 0;
        }
        final long address = alignUp(store.addressForRead(0));
        Memory.fill(address, size, (byte)0);
        try
        {
            synchronized (this)
            {
                dedicated.put(address, store);
            }
        }
        catch (final OutOfMemoryError ex)
        {
            // The map could not grow: give the block back rather than lose track of it.
            free(store);
            return 0;
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

    private void free(final BytesStore<?, ?> store)
    {
        final long capacity = store.capacity();
        store.releaseLast();
        unreserve(capacity);
    }

    private BytesStore<?, ?> nativeStore(final long capacity, final FaultInjector.Site site)
    {
        if (!reserve(capacity))
        {
            return null;
        }
        final BytesStore<?, ?> store;
        try
        {
            if (faultAt(site, capacity))
            {
                unreserve(capacity);
                return null;
            }
            store = BytesStore.nativeStoreWithFixedCapacity(capacity);
        }
        catch (final OutOfMemoryError ex)
        {
            // malloc returned null (Unsafe.allocateMemory throws this): refused, as over the cap.
            unreserve(capacity);
            return null;
        }
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
