package io.shadowvars.internal.table;

import io.shadowvars.internal.Block;
import io.shadowvars.internal.alloc.FaultInjector;
import io.shadowvars.internal.alloc.NativeArena;
import io.shadowvars.internal.jfr.TableGrowthEvent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class TablePadLhs
{
    byte p000, p001, p002, p003, p004, p005, p006, p007;
    byte p010, p011, p012, p013, p014, p015, p016, p017;
    byte p020, p021, p022, p023, p024, p025, p026, p027;
    byte p030, p031, p032, p033, p034, p035, p036, p037;
    byte p040, p041, p042, p043, p044, p045, p046, p047;
    byte p050, p051, p052, p053, p054, p055, p056, p057;
    byte p060, p061, p062, p063, p064, p065, p066, p067;
    byte p070, p071, p072, p073, p074, p075, p076, p077;
}

/** What readers read: never on a line that writers' bookkeeping writes. */
abstract class TableReadFields extends TablePadLhs
{
    // The sequence counter: odd while a writer moves entries (see the class comment). Inline, on
    // the line with the array references, so a reader's first load needs no dereference.
    long version;
    // Written by the writer with release semantics (resize, close), read by readers with acquire.
    long[] slots;
    // Parallel to slots, moved with them: the object parent of the entry at the same index (a
    // WeakParent in a weak store), null for a long parent. Null until the first object parent,
    // and again after close().
    Object[] parents;
}

abstract class TablePadMid extends TableReadFields
{
    byte p100, p101, p102, p103, p104, p105, p106, p107;
    byte p110, p111, p112, p113, p114, p115, p116, p117;
    byte p120, p121, p122, p123, p124, p125, p126, p127;
    byte p130, p131, p132, p133, p134, p135, p136, p137;
    byte p140, p141, p142, p143, p144, p145, p146, p147;
    byte p150, p151, p152, p153, p154, p155, p156, p157;
    byte p160, p161, p162, p163, p164, p165, p166, p167;
    byte p170, p171, p172, p173, p174, p175, p176, p177;
}

/**
 * Writer-only bookkeeping. Nothing here is written on a long-parent insert or delete: the entry
 * count is the segment's live-variable counter, on the line its lock already brought in.
 */
abstract class TableWriteFields extends TablePadMid
{
    int resizeThreshold;
}

/**
 * Open-addressing table from {@code <parent, id>} to a block, read without locks.
 *
 * <h2>Layout</h2>
 * A power-of-two {@code long[]} of slots, linear probing. A slot is 0 (empty) or
 * {@code fingerprint << 50 | distance << 45 | header >>> 3}: 14 bits of the key's hash, how far
 * the entry sits from its home slot (saturating at 31), and the block header's address (8-byte
 * aligned, below 2^48). The distance lets a delete shift entries back without reading their
 * headers (one cache miss each otherwise). The key itself, {@code <parent, id>}, is checked in the
 * block header, which shares its cache line with the data: a hit costs the slot's cache miss plus
 * the data's own. The hash is one multiply and one xor-shift over both halves of the key, so
 * 64-byte aligned buffer addresses spread over the whole table; the low bits pick the home slot,
 * the top 14 the fingerprint. Object parents are keyed on {@code System.identityHashCode} (which the
 * header's parent word keeps) and verified by {@code ==} against a {@code parents} array parallel
 * to the slots: the entry at slot {@code i} has its parent at {@code parents[i]}, written before the
 * slot is published and moved with it by deletes and resizes. A reader's load of
 * {@code parents[i]} depends on the index alone, so its miss overlaps the slot's and other parents
 * are rejected before their header is read; two objects with the same identity hash never share
 * variables. (A store with weak object parents keeps a {@link WeakParent} there instead, one per
 * parent, and compares with {@code refersTo}.) The array exists only once the table has held an
 * object parent. The table
 * grows at 60% load; deletion is backward-shift (Knuth's Algorithm R), so no tombstones build up.
 * The slot array is on the heap: a reader still probing an array replaced by a resize reads an
 * intact snapshot that the garbage collector keeps alive exactly as long as it is read.
 *
 * <h2>Concurrency: a sequence lock for readers (as the kernel's seqcount)</h2>
 * Writers are serialised by the segment's write lock. Readers take no lock and write nothing shared:
 * <pre>
 *  reader                                    writer (delete, resize)
 *  v = (long)VERSION.getAcquire(this)                  version.setOpaque(v + 1)      odd: changing
 *  (if v is odd, a writer is inside: retry)  storeStoreFence
 *  probe: slots (getAcquire), parents[i],     move / clear slots (setOpaque) and parents[],
 *         headers                            or publish new parents, then new slots (release)
 *  loadLoadFence                             version.setRelease(v + 2)     even: stable
 *  accept hit or miss only if version == v
 * </pre>
 * <b>Guarantees.</b> (1) A reader never misses a present variable: a backward shift or a resize
 * that could hide one from a probe in progress changes the version, and the reader retries.
 * (2) A reader never returns a block that is not, at some instant during its call, linked for
 * exactly its key: a block is reused only after the delete that unlinked it bumped the version,
 * and the allocator fences ({@code storeStoreFence}) before rewriting a reused header, so a reader
 * that read any byte of the new life sees a new version. (3) An insert is one {@code setRelease}
 * of a slot into an empty place; it moves nothing, so it needs no version change, and a reader
 * that acquires the slot sees the header, the zeroed data and the constructor's writes.
 * (4) Reading a stale header is harmless: headers live in slabs that stay mapped until the store
 * closes. <b>Progress.</b> Writers' odd windows are a few slot writes long; a reader only retries
 * when one overlapped its probe, and yields its core every 64 retries so that a writer descheduled
 * inside its odd window can finish. Validation on a hit matters only to a caller outside a read
 * section (inside one, nothing it can find is reused), and costs one load of a line that stays
 * cached while nothing is written.
 *
 * <p>Fields readers read and fields writers update on every operation sit on separate cache lines
 * (padding through the class chain), so writers do not make readers on other cores miss.
 *
 * <p>A store is made of several such tables, its segments (see {@link Segment}): a key's
 * segment comes from its parent alone ({@link #segmentOf(long, int)}), so all ids of one parent
 * share one. Each segment has its own slots, version, write lock and growth; a reader validates
 * against its own segment's version only.
 *
 * <p>Writer methods must be called under the segment's write lock.
 */
public final class ShadowTable extends TableWriteFields
{
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SLOTS;
    private static final VarHandle VERSION;
    private static final VarHandle PARENTS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            SLOTS = lookup.findVarHandle(TableReadFields.class, "slots", long[].class);
            VERSION = lookup.findVarHandle(TableReadFields.class, "version", long.class);
            PARENTS = lookup.findVarHandle(TableReadFields.class, "parents", Object[].class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static final int DISTANCE_SHIFT = 45;
    private static final long ADDRESS_BITS = (1L << DISTANCE_SHIFT) - 1;
    private static final int DISTANCE_MAX = 31;
    /** A slot's fingerprint is its bits from here up: the key hash's top 14 bits. */
    public static final int FP_SHIFT = 50;
    private static final int MAX_CAPACITY = 1 << 30;
    private static final long OBJECT_SALT = 0x5851F42D4C957F2DL;
    /** Ids that differ only in this many low bits share a home group (see {@link #hashLong}). */
    private static final int ID_GROUP_SHIFT = 2;
    /** One step of the home slot and one of the fingerprint. */
    private static final long ID_STEP = 1L + (1L << FP_SHIFT);
    private static final long SEGMENT_MULTIPLIER = 0xC2B2AE3D27D4EB4FL;
    /** Long parents within one aligned 2^14-byte (16 KiB) region share a segment ({@link #segmentOf(long, int)}). */
    public static final int REGION_SHIFT = 14;
    /** log2 of {@link #GROUP_SIZE}. */
    private static final int GROUP_SHIFT = 4;
    /** The most segments the regions of one chunk spread over ({@link #segmentOf(long, int)}). */
    public static final int GROUP_SIZE = 1 << GROUP_SHIFT;
    /** log2 of {@link #CHUNK_REGIONS}. */
    private static final int CHUNK_SHIFT = 2 * GROUP_SHIFT;
    /** Regions per chunk: a chunk's regions share one group of segments ({@link #segmentOf(long, int)}). */
    public static final int CHUNK_REGIONS = 1 << CHUNK_SHIFT;

    private final NativeArena allocator;

    /**
     * Create a table (one segment of a store).
     *
     * @param expectedEntries entries to hold before the first resize.
     * @param arena           whose memory cap the slots are counted against.
     * @throws IllegalArgumentException when the memory cap does not allow even the first slots.
     */
    public ShadowTable(final int expectedEntries, final NativeArena arena)
    {
        this.allocator = arena;
        final int capacity = capacityFor(expectedEntries);
        if (!allocator.reserve(capacity * 8L))
        {
            throw new IllegalArgumentException("maxMemory is too small for an initial table of " +
                capacity + " slots (" + capacity * 8L + " bytes)");
        }
        slots = new long[capacity];
        resizeThreshold = threshold(capacity);
        SLOTS.setRelease(this, slots);
    }

    /**
     * The slots a table for {@code entries} entries starts with: a power of two, at least 16, with
     * the entries at most 60% of it.
     *
     * @param entries entries to hold before the first resize.
     * @return the slot count.
     */
    public static int capacityFor(final int entries)
    {
        final long wanted = Math.max(16, (long)Math.ceil(entries / 0.6) + 1);
        if (wanted > MAX_CAPACITY)
        {
            return MAX_CAPACITY;
        }
        return Integer.highestOneBit((int)wanted - 1) << 1;
    }

    private static int threshold(final int capacity)
    {
        return (int)(capacity * 0.6);
    }

    // ---------------------------------------------------------------------------------------
    // Hashing
    // ---------------------------------------------------------------------------------------

    /**
     * Hash of a long-parent key. The home slot comes from the parent and the id's <em>group</em>
     * (the id without its two low bits) plus those two bits, so ids 1, 2 and 3 of one parent sit
     * on neighbouring slots and a thread that looks up several of them reads one or two lines of
     * slots, as the kernel finds every id of an object in one hash bucket. The fingerprint gets
     * the same two bits added, so the parent's other ids are passed without reading their
     * headers. For ids 0-3 the group hash is the one every id had before ids were grouped
     * (the hash of the parent and id 1), so one id per parent probes as it did.
     *
     * @param parent the parent.
     * @param id     the id.
     * @return a 64-bit hash: the home in the low {@value #FP_SHIFT} bits, the fingerprint above.
     */
    public static long hashLong(final long parent, final long id)
    {
        return grouped(parent, id);
    }

    /**
     * Hash of an object-parent key.
     *
     * @param parent the parent.
     * @param id     the id.
     * @return a 64-bit hash, grouped by id as {@link #hashLong}'s.
     */
    public static long hashObject(final Object parent, final long id)
    {
        return hashIdentity(System.identityHashCode(parent), id);
    }

    /**
     * Hash of an object-parent key from the parent's identity hash (for a weak parent that may be
     * gone).
     *
     * @param identityHash {@code System.identityHashCode} of the parent.
     * @param id           the id.
     * @return the same hash as {@link #hashObject(Object, long)}.
     */
    public static long hashIdentity(final int identityHash, final long id)
    {
        return grouped(identityHash ^ OBJECT_SALT, id);
    }

    /**
     * The hash of a key whose parent is {@code base}: the group hash mixes the parent with the id
     * without its low bits (group k as the pre-grouping hash of id k + 1); the id's low bits are
     * then added to the home (so a parent's ids 4k..4k+3 sit on consecutive slots, one or two
     * cache lines for every lookup of them) and to the fingerprint (so a probe through the group
     * still rejects the parent's other ids without reading their headers). The price: keys that
     * arrive four to a group probe further at a given load (HashQualityTest: a mean of about 2
     * instead of 0.5 for a parent with 1,024 consecutive ids).
     */
    private static long grouped(final long base, final long id)
    {
        final long groupHash = mix(base ^ Long.rotateLeft(((id >>> ID_GROUP_SHIFT) + 1) * 0x9E3779B97F4A7C15L, 32));
        return groupHash + (id & ((1 << ID_GROUP_SHIFT) - 1)) * ID_STEP;
    }

    /**
     * The segment of a long parent, from its 16 KiB region of the address space
     * ({@code parent >>> }{@value #REGION_SHIFT}) in two levels. Every id of one parent lands in
     * one segment, and so do the parents next to it in memory.
     * <ul>
     *   <li>The region's <em>chunk</em> ({@value #CHUNK_REGIONS} regions, 4 MiB) picks a group of
     *   up to {@value #GROUP_SIZE} segments, Fibonacci-hashed. Threads that allocate from chunks
     *   of their own (a per-thread arena, a thread's part of a pool) therefore write to groups of
     *   their own, whose locks, counters and slots stay in their own caches.</li>
     *   <li>The region's place in its chunk picks the member of the group: its low four bits
     *   xor its high four, so the 16 regions of any aligned 256 KiB run fall on 16 different
     *   members (a small pool that producer and consumer share spreads over a whole group), and
     *   so do regions at a power-of-two stride (large buffers).</li>
     * </ul>
     * Hashing each region to any segment instead put the regions of every thread's chunk on all
     * segments, so two threads on disjoint buffers kept pulling the same segments' lines from each
     * other's cores (PERFORMANCE.md, "Segments in groups by chunk"). A group's members are
     * {@code segments / GROUP_SIZE} apart in the segment array. Inside a segment the slot comes from
     * the fully mixed {@link #hashLong}, so parents close together never cluster in the slots.
     *
     * @param parent   the parent.
     * @param segments the number of segments, a power of two.
     * @return the segment index, in [0, segments).
     */
    public static int segmentOf(final long parent, final int segments)
    {
        return segmentOf(parent, REGION_SHIFT, segments);
    }

    /**
     * {@link #segmentOf(long, int)} for a store with another region size
     * ({@code ShadowStore.Builder.regionSize}); a chunk is then {@value #CHUNK_REGIONS} of those
     * regions.
     *
     * @param parent      the parent.
     * @param regionShift log2 of the region size, in [0, 40].
     * @param segments    the number of segments, a power of two.
     * @return the segment index, in [0, segments).
     */
    public static int segmentOf(final long parent, final int regionShift, final int segments)
    {
        final long region = parent >>> regionShift;
        final int place = (int)region & (CHUNK_REGIONS - 1);
        if (segments >= GROUP_SIZE)
        {
            final int groups = segments >>> GROUP_SHIFT;
            final int member = (place ^ (place >>> GROUP_SHIFT)) & (GROUP_SIZE - 1);
            return member * groups + regionSegment(region >>> CHUNK_SHIFT, groups);
        }
        return foldedPlace(place, segments);
    }

    /** Fewer segments than a group: one group, the place folded into log2(segments) bits. */
    private static int foldedPlace(final int place, final int segments)
    {
        final int bits = Integer.numberOfTrailingZeros(segments);
        if (0 == bits)
        {
            return 0;
        }
        int member = 0;
        for (int shift = 0; shift < CHUNK_SHIFT; shift += bits)
        {
            member ^= place >>> shift;
        }
        return member & (segments - 1);
    }

    private static int regionSegment(final long key, final int segments)
    {
        return (int)((key * SEGMENT_MULTIPLIER) >>> 40) & (segments - 1);
    }

    /**
     * The segment of an object parent, from its identity hash.
     *
     * @param parent   the parent.
     * @param segments the number of segments, a power of two.
     * @return the segment index, in [0, segments).
     */
    public static int segmentOf(final Object parent, final int segments)
    {
        // Identity hashes have no locality to keep: hash them whole.
        return regionSegment((long)System.identityHashCode(parent) ^ OBJECT_SALT, segments);
    }

    private static long mix(final long key)
    {
        // One multiply and one xor-shift, not MurmurHash3's two of each: the hash sits on every
        // get's critical path. The top bits (the fingerprint) come straight from the product; the
        // shift folds them into the low bits (the index), which 64-byte-aligned parents would
        // otherwise leave with six zero bits. ClusterTest checks the probe lengths this gives.
        final long h = key * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    private static long header(final long slot)
    {
        return (slot & ADDRESS_BITS) << 3;
    }

    // ---------------------------------------------------------------------------------------
    // Readers: no lock
    // ---------------------------------------------------------------------------------------

    /**
     * Find the block of a long-parent key. Lock-free; safe against any concurrent writer.
     *
     * @param parent the parent.
     * @param id     the id.
     * @return the header address, or 0 when absent.
     * @throws IllegalStateException when the table has been closed.
     */
    public long findLong(final long parent, final long id)
    {
        final long hash = hashLong(parent, id);
        final long fingerprint = hash >>> FP_SHIFT;
        int retries = 0;
        while (true)
        {
            final long v = (long)VERSION.getAcquire(this);
            final long[] slots = (long[])SLOTS.getAcquire(this);
            if (null == slots)
            {
                throw closed();
            }
            if ((v & 1) == 0)
            {
                long found = 0;
                final int mask = slots.length - 1;
                int index = (int)hash & mask;
                long slot;
                while (0 != (slot = (long)SLOT.getAcquire(slots, index)))
                {
                    if (slot >>> FP_SHIFT == fingerprint)
                    {
                        final long header = header(slot);
                        if (Block.parent(header) == parent && Block.id(header) == id &&
                            (Block.flags(header) & Block.OBJECT) == 0)
                        {
                            found = header;
                            break;
                        }
                    }
                    index = (index + 1) & mask;
                }
                // The slot and header reads above must not drift below the re-check of the version.
                VarHandle.loadLoadFence();
                if ((long)VERSION.getOpaque(this) == v)
                {
                    return found;
                }
            }
            retries = backOff(retries);
        }
    }

    /**
     * A reader's wait after a failed validation: spin, and yield now and then, since the writer
     * whose odd window it waits out may have been descheduled (more busy threads than cores) and
     * needs a core to finish.
     *
     * @param retries failed validations so far.
     * @return {@code retries + 1}.
     */
    private static int backOff(final int retries)
    {
        if ((retries & 63) == 63)
        {
            Thread.yield();
        }
        else
        {
            Thread.onSpinWait();
        }
        return retries + 1;
    }

    /**
     * Find the block of an object-parent key. Lock-free; safe against any concurrent writer.
     *
     * @param parent the parent, compared by identity.
     * @param id     the id.
     * @return the header address, or 0 when absent.
     * @throws IllegalStateException when the table has been closed.
     */
    public long findObject(final Object parent, final long id)
    {
        final long hash = hashObject(parent, id);
        final long fingerprint = hash >>> FP_SHIFT;
        int retries = 0;
        while (true)
        {
            final long v = (long)VERSION.getAcquire(this);
            final long[] slots = (long[])SLOTS.getAcquire(this);
            if (null == slots)
            {
                throw closed();
            }
            if ((v & 1) == 0)
            {
                long found = 0;
                final int mask = slots.length - 1;
                int index = (int)hash & mask;
                long slot;
                while (0 != (slot = (long)SLOT.getAcquire(slots, index)))
                {
                    // The parent's load depends on the index only, not on the slot's value, so its
                    // miss overlaps the slot's; the header's then brings the id and the data.
                    if (slot >>> FP_SHIFT == fingerprint && isParent(racyParentAt(index), parent))
                    {
                        final long header = header(slot);
                        if (Block.id(header) == id && (Block.flags(header) & Block.OBJECT) != 0)
                        {
                            found = header;
                            break;
                        }
                    }
                    index = (index + 1) & mask;
                }
                VarHandle.loadLoadFence();
                if ((long)VERSION.getOpaque(this) == v)
                {
                    return found;
                }
            }
            retries = backOff(retries);
        }
    }

    private Object racyParentAt(final int index)
    {
        // Read after the slot (acquire), so an array published before the slot is seen. A resize
        // may have replaced the array since the slots were read: bound the index; the version
        // check then rejects whatever was read.
        final Object[] parents = (Object[])PARENTS.getAcquire(this);
        return null != parents && index < parents.length ? parents[index] : null;
    }

    /**
     * Whether a parents-array entry is this parent: the object itself (strong parents), or a
     * {@link WeakParent} that refers to it. {@code refersTo} compares without making the referent
     * strongly reachable and allocates nothing; a strong store pays the {@code instanceof} only on a
     * fingerprint match of another parent, which is rare.
     */
    private static boolean isParent(final Object entry, final Object parent)
    {
        return entry == parent || (entry instanceof WeakParent && ((WeakParent)entry).refersTo(parent));
    }

    private static IllegalStateException closed()
    {
        return new IllegalStateException("ShadowStore is closed");
    }

    // ---------------------------------------------------------------------------------------
    // Writers: under the store's lock
    // ---------------------------------------------------------------------------------------

    /**
     * Slot index of a long-parent key.
     *
     * @param parent the parent.
     * @param id     the id.
     * @param hash   {@link #hashLong(long, long)} of the key.
     * @return the index, or -1 when absent.
     */
    public int indexOfLong(final long parent, final long id, final long hash)
    {
        final long[] slots = this.slots;
        final int mask = slots.length - 1;
        final long fingerprint = hash >>> FP_SHIFT;
        int index = (int)hash & mask;
        long slot;
        while (0 != (slot = slots[index]))
        {
            if (slot >>> FP_SHIFT == fingerprint)
            {
                final long header = header(slot);
                if (Block.parent(header) == parent && Block.id(header) == id &&
                    (Block.flags(header) & Block.OBJECT) == 0)
                {
                    return index;
                }
            }
            index = (index + 1) & mask;
        }
        return -1;
    }

    /**
     * Slot index of an object-parent key.
     *
     * @param parent the parent.
     * @param id     the id.
     * @param hash   {@link #hashObject(Object, long)} of the key.
     * @return the index, or -1 when absent.
     */
    public int indexOfObject(final Object parent, final long id, final long hash)
    {
        final long[] slots = this.slots;
        final Object[] parents = this.parents;
        if (null == parents)
        {
            return -1;
        }
        final int mask = slots.length - 1;
        final long fingerprint = hash >>> FP_SHIFT;
        int index = (int)hash & mask;
        long slot;
        while (0 != (slot = slots[index]))
        {
            if (slot >>> FP_SHIFT == fingerprint && isParent(parents[index], parent))
            {
                final long header = header(slot);
                if (Block.id(header) == id && (Block.flags(header) & Block.OBJECT) != 0)
                {
                    return index;
                }
            }
            index = (index + 1) & mask;
        }
        return -1;
    }

    /**
     * Slot index of a block, found from its key's hash (a weak parent's variable, whose parent may
     * be gone).
     *
     * @param header the block header.
     * @param hash   its key's hash.
     * @return the index, or -1 when the block is not linked.
     */
    public int indexOfHeader(final long header, final long hash)
    {
        final long[] slots = this.slots;
        final int mask = slots.length - 1;
        int index = (int)hash & mask;
        long slot;
        while (0 != (slot = slots[index]))
        {
            if (header(slot) == header)
            {
                return index;
            }
            index = (index + 1) & mask;
        }
        return -1;
    }

    /**
     * Header stored at a slot index.
     *
     * @param index a slot index.
     * @return the header address, or 0 for an empty slot.
     */
    public long headerAt(final int index)
    {
        final long slot = slots[index];
        return 0 == slot ? 0 : header(slot);
    }

    /**
     * The object parent of the entry at a slot index: the object, or its {@link WeakParent} in a
     * weak store; null for a long parent or an empty slot.
     *
     * @param index a slot index.
     * @return the parents-array entry.
     */
    public Object parentAt(final int index)
    {
        final Object[] parents = this.parents;
        return null == parents ? null : parents[index];
    }

    /**
     * Number of slots.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return slots.length;
    }

    /**
     * Make room for one more entry, growing (and reserving memory) when the load would pass 60%.
     *
     * @param size entries the table holds now (the segment counts them).
     * @return false when the memory cap, or the heap, refuses the growth; the table is then unchanged.
     */
    public boolean ensureRoomForOne(final long size)
    {
        if (size < resizeThreshold)
        {
            return true;
        }
        return grow(size);
    }

    private boolean grow(final long size)
    {
        final long[] old = slots;
        final TableGrowthEvent timing = new TableGrowthEvent();
        timing.begin();
        if (old.length >= MAX_CAPACITY)
        {
            return size < old.length - 1;
        }
        final int capacity = old.length << 1;
        if (!allocator.reserve(capacity * 8L))
        {
            return false;
        }
        long[] fresh;
        try
        {
            fresh = allocator.faultAt(FaultInjector.Site.TABLE, capacity * 8L) ? null : new long[capacity];
        }
        catch (final OutOfMemoryError ex)
        {
            // The heap has no room for the larger array: refused like the cap, the table as it was.
            fresh = null;
        }
        final Object[] oldParents = parents;
        final Object[] freshParents = null == fresh || null == oldParents ? null : newParents(capacity);
        if (null == fresh || (null != oldParents && null == freshParents))
        {
            allocator.unreserve(capacity * 8L);
            return false;
        }
        final int mask = capacity - 1;
        for (int from = 0; from < old.length; from++)
        {
            final long slot = old[from];
            if (0 != slot)
            {
                final int home = (int)homeHash(header(slot)) & mask;
                int index = home;
                while (0 != fresh[index])
                {
                    index = (index + 1) & mask;
                }
                fresh[index] = withDistance(slot, (index - home) & mask);
                if (null != freshParents)
                {
                    freshParents[index] = oldParents[from];
                }
            }
        }
        final long v = version;
        VERSION.setOpaque(this, v + 1);
        VarHandle.storeStoreFence();
        // Parents first: a reader that sees the new slots sees the new parents too.
        if (null != freshParents)
        {
            PARENTS.setRelease(this, freshParents);
        }
        SLOTS.setRelease(this, fresh);
        VERSION.setRelease(this, v + 2);
        allocator.unreserve(old.length * 8L);
        resizeThreshold = threshold(capacity);
        timing.end();
        if (timing.shouldCommit())
        {
            timing.oldCapacity = old.length;
            timing.newCapacity = capacity;
            timing.entries = (int)size;
            timing.commit();
        }
        return true;
    }

    /**
     * The home index of the entry in a slot: from the probe distance kept in the slot, or, for an
     * entry that probed {@value #DISTANCE_MAX} slots or more, from its header.
     */
    private int home(final long slot, final int index, final int mask)
    {
        final int distance = (int)(slot >>> DISTANCE_SHIFT) & DISTANCE_MAX;
        return distance < DISTANCE_MAX ? (index - distance) & mask : (int)homeHash(header(slot)) & mask;
    }

    private static long withDistance(final long slot, final int distance)
    {
        return (slot & ~((long)DISTANCE_MAX << DISTANCE_SHIFT)) |
            (long)Math.min(distance, DISTANCE_MAX) << DISTANCE_SHIFT;
    }

    private static long homeHash(final long header)
    {
        final long id = Block.id(header);
        final long parent = Block.parent(header);
        // An object parent's header keeps its identity hash (taken while it was alive, for a weak
        // parent that may be gone by now).
        return (Block.flags(header) & Block.OBJECT) == 0 ? hashLong(parent, id) : hashIdentity((int)parent, id);
    }

    /**
     * A parents array, or null when the heap (or an injected fault) refuses it.
     */
    private Object[] newParents(final int capacity)
    {
        try
        {
            return allocator.faultAt(FaultInjector.Site.REFS, capacity * 4L) ? null : new Object[capacity];
        }
        catch (final OutOfMemoryError ex)
        {
            return null;
        }
    }

    /**
     * Make sure an object parent can be recorded: the parents array, parallel to the slots, is
     * created with the table's first object parent.
     *
     * @return false when the heap refuses the array; the table is then unchanged.
     */
    public boolean ensureParents()
    {
        if (null != parents)
        {
            return true;
        }
        final Object[] created = newParents(slots.length);
        if (null == created)
        {
            return false;
        }
        PARENTS.setRelease(this, created);
        return true;
    }

    /**
     * Publish a block whose header, data and constructor writes are complete. The caller has made
     * room with {@link #ensureRoomForOne(long)} and checked the key is absent.
     *
     * @param hash   the key's hash.
     * @param header the block.
     * @param parent the object parent (or its {@link WeakParent}), null for a long parent; for an
     *               object parent, {@link #ensureParents()} has succeeded.
     */
    public void insert(final long hash, final long header, final Object parent)
    {
        final long[] slots = this.slots;
        final int mask = slots.length - 1;
        final int home = (int)hash & mask;
        int index = home;
        while (0 != slots[index])
        {
            index = (index + 1) & mask;
        }
        final long slot = withDistance((hash >>> FP_SHIFT) << FP_SHIFT | header >>> 3, (index - home) & mask);
        if (null != parent)
        {
            // Plain: the slot's setRelease below publishes it with the block.
            parents[index] = parent;
        }
        // Release: a reader that acquires this slot sees the whole block, constructor writes included.
        SLOT.setRelease(slots, index, slot);
    }

    /**
     * Unlink the entry at a slot index, shifting later entries of its cluster back (Algorithm R).
     * An entry may move into {@code index}: a caller scanning the table re-examines it.
     *
     * @param index a slot index holding an entry.
     */
    public void removeAt(final int index)
    {
        final long[] slots = this.slots;
        final Object[] parents = this.parents;
        final int mask = slots.length - 1;
        final long v = version;
        VERSION.setOpaque(this, v + 1);
        VarHandle.storeStoreFence();

        int hole = index;
        int next = index;
        while (true)
        {
            next = (next + 1) & mask;
            final long slot = slots[next];
            if (0 == slot)
            {
                break;
            }
            final int home = home(slot, next, mask);
            // The entry at 'next' may fill the hole unless its home lies cyclically in (hole, next].
            final boolean homeInRange = hole <= next ?
                (hole < home && home <= next) : (hole < home || home <= next);
            if (!homeInRange)
            {
                SLOT.setOpaque(slots, hole, withDistance(slot, (hole - home) & mask));
                if (null != parents)
                {
                    parents[hole] = parents[next];
                }
                hole = next;
            }
        }
        SLOT.setOpaque(slots, hole, 0L);
        if (null != parents)
        {
            parents[hole] = null;
        }
        VERSION.setRelease(this, v + 2);
    }

    /**
     * Unlink every entry whose block has this id, in one pass and one odd-version window (what
     * {@code freeAll} does to a segment), instead of one {@link #removeAt} per entry.
     *
     * <p>First, with the version even (nothing moves yet, and the caller's locks keep it so), the
     * id of every entry's header is read in slot order: the reads are independent of each other,
     * so their cache misses overlap, and the indexes of the matches are kept (in {@code headers},
     * which the window overwrites with the headers). Then, inside one odd
     * window: the matched slots (and their parents) are cleared, and every remaining entry is
     * re-placed at the first empty slot from its home, in slot order from a slot that was empty
     * before anything was removed (so no cluster wraps past the start of the sweep). Each entry
     * only ever moves back towards its home, as in a backward shift, and the sweep leaves the
     * table as if the entries had been inserted in their order: every entry is found from its
     * home without crossing an empty slot. Readers overlapping the window retry, as for
     * {@link #removeAt}.
     *
     * @param id         the id.
     * @param headers    receives the removed entries' block headers; room for every entry.
     * @param oldParents receives the removed entries' parents-array entries (null for long
     *                   parents), at the same positions; room for every entry.
     * @return how many entries were removed.
     */
    public int removeAllWithId(final long id, final long[] headers, final Object[] oldParents)
    {
        final long[] slots = this.slots;
        final int capacity = slots.length;
        final int mask = capacity - 1;
        int removed = 0;
        for (int index = 0; index < capacity; index++)
        {
            final long slot = slots[index];
            if (0 != slot && Block.id(header(slot)) == id)
            {
                headers[removed++] = index;
            }
        }
        if (0 == removed)
        {
            return 0;
        }

        final Object[] parents = this.parents;
        final int start = emptyIndex();
        final long v = version;
        VERSION.setOpaque(this, v + 1);
        VarHandle.storeStoreFence();

        for (int k = 0; k < removed; k++)
        {
            final int index = (int)headers[k];
            headers[k] = header(slots[index]);
            SLOT.setOpaque(slots, index, 0L);
            if (null != parents)
            {
                oldParents[k] = parents[index];
                parents[index] = null;
            }
        }
        for (int step = 1; step < capacity; step++)
        {
            final int index = (start + step) & mask;
            final long slot = slots[index];
            if (0 == slot)
            {
                continue;
            }
            final int home = home(slot, index, mask);
            int to = home;
            while (to != index && 0 != slots[to])
            {
                to = (to + 1) & mask;
            }
            if (to != index)
            {
                SLOT.setOpaque(slots, to, withDistance(slot, (to - home) & mask));
                SLOT.setOpaque(slots, index, 0L);
                if (null != parents)
                {
                    parents[to] = parents[index];
                    parents[index] = null;
                }
            }
        }
        VERSION.setRelease(this, v + 2);
        return removed;
    }

    /**
     * An empty slot index, where a full scan that deletes as it goes can start and end.
     *
     * @return the index of an empty slot.
     */
    public int emptyIndex()
    {
        final long[] slots = this.slots;
        int index = 0;
        while (0 != slots[index])
        {
            index++;
        }
        return index;
    }

    /**
     * Drop the slots and references; every later reader call throws. Gives back its reservation.
     */
    public void close()
    {
        if (null != slots)
        {
            allocator.unreserve(slots.length * 8L);
            SLOTS.setRelease(this, (long[])null);
            PARENTS.setRelease(this, (Object[])null);
        }
    }
}
