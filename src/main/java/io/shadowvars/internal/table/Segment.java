package io.shadowvars.internal.table;

import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowDtor;
import io.shadowvars.ShadowVar;
import io.shadowvars.internal.Block;
import io.shadowvars.internal.Memory;
import io.shadowvars.internal.WriteLock;
import io.shadowvars.internal.alloc.BlockCache;
import io.shadowvars.internal.alloc.NativeArena;
import io.shadowvars.internal.alloc.SizeClasses;
import io.shadowvars.internal.alloc.SlabAllocator;
import io.shadowvars.internal.jfr.DestructorFailedEvent;
import io.shadowvars.internal.reclaim.Reclaimer;
import io.shadowvars.internal.reclaim.RetireList;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the segment's writers write on every operation, right after the lock's state and holder
 * (so taking the lock and counting touch one cache line), padded off any other segment's lines.
 */
abstract class SegmentCounters extends WriteLock
{
    static final java.lang.invoke.VarHandle LIVE_VARIABLES;
    static final java.lang.invoke.VarHandle LIVE_BYTES;
    static final java.lang.invoke.VarHandle DUPLICATE_ALLOCS;
    static final java.lang.invoke.VarHandle FAILED_ALLOCS;
    static final java.lang.invoke.VarHandle COLLECTED_VARIABLES;
    static final java.lang.invoke.VarHandle CLOSED;

    static
    {
        try
        {
            final java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
            LIVE_VARIABLES = lookup.findVarHandle(SegmentCounters.class, "liveVariables", long.class);
            LIVE_BYTES = lookup.findVarHandle(SegmentCounters.class, "liveBytes", long.class);
            DUPLICATE_ALLOCS = lookup.findVarHandle(SegmentCounters.class, "duplicateAllocs", long.class);
            FAILED_ALLOCS = lookup.findVarHandle(SegmentCounters.class, "failedAllocs", long.class);
            COLLECTED_VARIABLES = lookup.findVarHandle(SegmentCounters.class, "collectedVariables", long.class);
            CLOSED = lookup.findVarHandle(SegmentCounters.class, "closed", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    // Written under the segment's lock (plain: the lock orders them for its holders); read with
    // opaque semantics by readCounters() without the lock, which sees each as some value it had.
    boolean closed;
    /** The last thread that took the lock for a write, and its state (see Segment.lockForWrite). */
    Thread lastThread;
    /** {@link #lastThread}'s state. */
    CallbackGuard.Writer lastWriter;
    long liveVariables;
    long liveBytes;
    long duplicateAllocs;
    long failedAllocs;
    long collectedVariables;
}

abstract class SegmentPadRhs extends SegmentCounters
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
 * One segment of a store: the write path for the keys whose parent hashes to it. A store is
 * split into segments (lock striping, as Chronicle Map's segments and Linux's per-bucket locks);
 * each is a {@link WriteLock} (whose line it shares with its counters) and owns a
 * {@link ShadowTable} (slots, seqlock version, growth, object references), a
 * {@link SlabAllocator} and a {@link RetireList}, and counts its variables.
 * Writers on parents of different segments never wait for each other; a block always returns to
 * the allocator of the segment that handed it out, under the lock its free takes anyway.
 *
 * <h2>Operations (each under this segment's lock)</h2>
 * <ul>
 *   <li><b>alloc / getOrAlloc</b>: find the key; on a duplicate count it (alloc) or return the
 *   existing data (getOrAlloc). Otherwise make room in the table (grow first, so a refusal leaves
 *   nothing half-done), take a zeroed block, write the key, run the constructor on the unpublished
 *   block, and publish it with one release store. A constructor that refuses or throws gets its
 *   block back at once (never visible, so no grace period).</li>
 *   <li><b>free</b>: unlink (a seqlock-protected backward shift), run the destructor (it can still
 *   read the data and the parent; the unlink already dropped the parent from the table's parents
 *   array, the callback gets it from the caller), mark the block freed, retire.</li>
 *   <li><b>freeAll</b> of one id, called by the store under every segment's lock so that the whole
 *   walk is atomic against all other writers.</li>
 *   <li><b>expunge</b> of a collected weak parent (weak object parents only, see
 *   {@link CollectedParents}): unlink its variables under the lock, run {@code onParentCollected}
 *   with the lock released, retire under the lock again.</li>
 * </ul>
 * Constructors and destructors run under the lock ({@code onParentCollected} without it); a
 * mutating store call from inside one fails through the store's {@link CallbackGuard}.
 */
public final class Segment extends SegmentPadRhs
{
    private static final System.Logger LOGGER = System.getLogger("io.shadowvars");
    private static final byte[] NO_DATA = new byte[0];

    private final CallbackGuard guard;
    private final ShadowTable table;
    private final SlabAllocator allocator;
    private final RetireList retired;
    private final Reclaimer reclaimer;
    private final int dataOffset;
    private final Callback callback = new Callback();
    private final WeakParents weakParents;
    private final CollectedParents collectedParents;
    private final boolean checked;
    private Segment[] peers;
    private int index;

    /**
     * Create a segment.
     *
     * @param expectedEntries entries its table holds before it first grows.
     * @param classes         the store's size classes.
     * @param arena           the store's native memory.
     * @param reclaimer       the store's epoch and readers.
     * @param guard           the store's callback guard.
     * @param checked         checked mode (poison freed blocks).
     */
    public Segment(
        final int expectedEntries,
        final SizeClasses classes,
        final NativeArena arena,
        final Reclaimer reclaimer,
        final CallbackGuard guard,
        final boolean checked)
    {
        this(expectedEntries, classes, arena, reclaimer, guard, checked, null);
    }

    /**
     * Create a segment, with weak object parents when {@code collected} is given.
     *
     * @param expectedEntries entries its table holds before it first grows.
     * @param classes         the store's size classes.
     * @param arena           the store's native memory.
     * @param reclaimer       the store's epoch and readers.
     * @param guard           the store's callback guard.
     * @param checked         checked mode (poison freed blocks).
     * @param collected       the store's weak-parent queue and callback; null for strong object parents.
     */
    public Segment(
        final int expectedEntries,
        final SizeClasses classes,
        final NativeArena arena,
        final Reclaimer reclaimer,
        final CallbackGuard guard,
        final boolean checked,
        final CollectedParents collected)
    {
        this.guard = guard;
        this.checked = checked;
        this.reclaimer = reclaimer;
        this.dataOffset = classes.dataOffset();
        this.table = new ShadowTable(expectedEntries, arena);
        this.allocator = new SlabAllocator(classes, arena, checked);
        this.retired = new RetireList(reclaimer, allocator);
        this.collectedParents = collected;
        this.weakParents = null == collected ? null : new WeakParents(collected.queue(), this);
    }

    /**
     * Tell the segment its place among the store's segments, so that at the memory cap it can take
     * freed blocks from the others' free lists.
     *
     * @param peers every segment of the store.
     * @param index this segment's index in {@code peers}.
     */
    public void join(final Segment[] peers, final int index)
    {
        this.peers = peers;
        this.index = index;
        allocator.overflow(this::takeFromPeers);
    }

    /**
     * A freed block of a class from another segment's free list. Called under this segment's lock,
     * only when the memory cap refuses new memory; takes another segment's lock only if it is free
     * (never waits, so two segments doing this at once cannot deadlock).
     */
    private long takeFromPeers(final int cls)
    {
        final Segment[] peers = this.peers;
        for (int k = 1; k < peers.length; k++)
        {
            final Segment other = peers[(index + k) & (peers.length - 1)];
            if (other.tryLock())
            {
                try
                {
                    // Memory the other segment retired may have waited long enough by now.
                    other.releaseExpired();
                    final long header = other.allocator.popFree(cls);
                    if (0 != header)
                    {
                        return header;
                    }
                }
                finally
                {
                    other.unlock();
                }
            }
        }
        return 0;
    }

    /**
     * The segment's table, which readers search without a lock.
     *
     * @return the table.
     */
    public ShadowTable table()
    {
        return table;
    }

    // ------------------------------------------------------------------------------------------
    // Locking
    // ------------------------------------------------------------------------------------------

    /**
     * Take this segment's lock for a writer, then check that the caller is not inside a callback
     * of the store and that the store is open. The calling thread's state comes from the
     * segment's remembered last writer when that is the caller (two fields on the lock's line,
     * which the lock's compare-and-set has just brought in), else from the store's thread-local:
     * a thread cycling through its own segments skips the thread-local lookup. A caller inside a
     * callback that finds the lock held fails before it waits ({@link #beforeWaiting()}), so
     * checking after the lock is taken cannot deadlock.
     *
     * @return the calling thread's writer state (its block cache).
     * @throws IllegalStateException from inside a constructor or destructor, or after close.
     */
    public CallbackGuard.Writer lockForWrite()
    {
        lock();
        // The thread is compared on this line: another thread's state is not read, only used by it.
        final Thread me = Thread.currentThread();
        CallbackGuard.Writer self = lastWriter;
        if (lastThread != me)
        {
            self = guard.writer();
            lastWriter = self;
            lastThread = me;
        }
        if (self.inside())
        {
            unlock();
            throw CallbackGuard.insideCallback();
        }
        if (closed)
        {
            unlock();
            throw new IllegalStateException("ShadowStore is closed");
        }
        return self;
    }

    /**
     * A thread inside a callback of the store never waits for a segment lock: it holds another
     * one, and a {@code freeAll} holding this one could be waiting for that one. It fails here
     * instead; when the lock is free it takes it, and {@link #lockForWrite()} then fails.
     */
    @Override
    protected void beforeWaiting()
    {
        guard.check();
    }

    /**
     * Forget the remembered writer when its thread has terminated (the caller holds every
     * segment lock), so that the segment does not keep a dead thread's state reachable.
     */
    public void forgetTerminatedWriter()
    {
        final Thread last = lastThread;
        if (null != last && !last.isAlive())
        {
            lastThread = null;
            lastWriter = null;
        }
    }


    // ------------------------------------------------------------------------------------------
    // Writers
    // ------------------------------------------------------------------------------------------

    /**
     * alloc or getOrAlloc of {@code <parent, id>}: takes and gives back the lock.
     *
     * @param parent       the long parent, or 0 for an object parent.
     * @param parentObject the object parent, or null for a long parent.
     * @param id           the id.
     * @param hash         the key's hash ({@link ShadowTable#hashLong} or {@link ShadowTable#hashObject}).
     * @param size         data size, already checked.
     * @param ctor         constructor, or null.
     * @param ctorData     constructor data.
     * @param existing     true for getOrAlloc (return an existing variable's data), false for
     *                     alloc (refuse a duplicate).
     * @param <T>          constructor data type.
     * @return the data address, or 0 (duplicate alloc, memory cap, constructor refusal).
     */
    public <T> long alloc(
        final long parent,
        final Object parentObject,
        final long id,
        final long hash,
        final int size,
        final ShadowCtor<? super T> ctor,
        final T ctorData,
        final boolean existing)
    {
        final CallbackGuard.Writer self = lockForWrite();
        try
        {
            final int index = null == parentObject ?
                table.indexOfLong(parent, id, hash) : table.indexOfObject(parentObject, id, hash);
            if (index >= 0)
            {
                return existing ? dataAddress(table.headerAt(index)) : duplicate(parent, parentObject, id);
            }
            return allocLocked(parent, parentObject, id, hash, size, ctor, ctorData, self);
        }
        finally
        {
            unlock();
        }
    }

    /**
     * free of {@code <parent, id>}: takes and gives back the lock.
     *
     * @param parent       the long parent, or 0 for an object parent.
     * @param parentObject the object parent, or null for a long parent.
     * @param id           the id.
     * @param hash         the key's hash.
     * @param dtor         destructor, or null.
     * @return true when a variable was freed.
     */
    public boolean free(
        final long parent, final Object parentObject, final long id, final long hash, final ShadowDtor dtor)
    {
        final CallbackGuard.Writer self = lockForWrite();
        final Throwable failure;
        try
        {
            final int index = null == parentObject ?
                table.indexOfLong(parent, id, hash) : table.indexOfObject(parentObject, id, hash);
            if (index < 0)
            {
                return false;
            }
            failure = freeAt(index, dtor, null, self);
        }
        finally
        {
            unlock();
        }
        rethrow(failure);
        return true;
    }

    /**
     * Free every variable with this id in this segment. The caller holds this segment's lock (the
     * store holds every segment's lock for the whole {@code freeAll}). With scratch arrays the
     * table unlinks them all in one pass ({@link ShadowTable#removeAllWithId}), then their
     * destructors run and their blocks are retired; without (the heap refused them), one
     * {@link ShadowTable#removeAt} per variable, which allocates nothing.
     *
     * @param id      the id.
     * @param dtor    destructor, or null.
     * @param failure one cell: the first destructor exception so far (others are added to it as
     *                suppressed), updated in place.
     * @param scratch room for at least {@link #liveVariables()} entries, or null.
     * @return how many variables were freed.
     */
    public int freeAllLocked(final long id, final ShadowDtor dtor, final Throwable[] failure, final FreeAllScratch scratch)
    {
        if (0 == liveVariables)
        {
            return 0;
        }
        if (null == scratch)
        {
            return freeAllOneByOne(id, dtor, failure);
        }
        final long[] headers = scratch.headers;
        final Object[] entries = scratch.parents;
        final int freed = table.removeAllWithId(id, headers, entries);
        for (int k = 0; k < freed; k++)
        {
            failure[0] = destroyUnlinked(headers[k], entries[k], dtor, failure[0], null);
            entries[k] = null;
        }
        return freed;
    }

    private int freeAllOneByOne(final long id, final ShadowDtor dtor, final Throwable[] failure)
    {
        final int capacity = table.capacity();
        final int mask = capacity - 1;
        int index = (table.emptyIndex() + 1) & mask;
        int visited = 0;
        int freed = 0;
        while (visited < capacity)
        {
            final long header = table.headerAt(index);
            if (0 != header && Block.id(header) == id)
            {
                // An entry of the same cluster may shift into 'index': look at it again.
                failure[0] = freeAt(index, dtor, failure[0], null);
                freed++;
                continue;
            }
            index = (index + 1) & mask;
            visited++;
        }
        return freed;
    }

    /**
     * Scratch arrays for {@link #freeAllLocked}, one set per {@code freeAll} call, sized for the
     * segment with the most variables.
     */
    public static final class FreeAllScratch
    {
        /** Heap bytes per entry, at most: a header and a reference. */
        public static final long BYTES_PER_ENTRY = 16;

        final long[] headers;
        final Object[] parents;

        /**
         * Make room for {@code entries} variables.
         *
         * @param entries the most variables any segment holds.
         * @throws OutOfMemoryError when the heap refuses them.
         */
        public FreeAllScratch(final int entries)
        {
            headers = new long[entries];
            parents = new Object[entries];
        }
    }

    // ------------------------------------------------------------------------------------------
    // Reclamation, counters and lifecycle (the store calls these under this segment's lock)
    // ------------------------------------------------------------------------------------------

    /**
     * Seal this segment's retired blocks with the current epoch (under the lock).
     */
    public void sealRetired()
    {
        retired.seal();
    }

    /**
     * Release this segment's retired blocks whose grace period has passed (under the lock).
     */
    public void releaseExpired()
    {
        retired.releaseExpired(reclaimer.epoch());
    }

    /**
     * Release every retired block now: no reader is registered (under the lock).
     */
    public void releaseAllRetired()
    {
        retired.releaseAll();
    }

    /**
     * Take the blocks of a terminated thread's cache into this segment's allocator (the caller
     * holds every segment lock).
     *
     * @param cache the cache, whose owner has terminated.
     * @return how many blocks were taken.
     */
    public int adopt(final BlockCache cache)
    {
        return cache.drainTo(allocator);
    }

    /**
     * Whether the store was closed (under the lock).
     *
     * @return true after close.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Whether the store was closed, read without the lock.
     *
     * @return true after close (eventually).
     */
    public boolean isClosedOpaque()
    {
        return (boolean)CLOSED.getOpaque(this);
    }

    /**
     * Live variables in this segment (exact under the lock; without it, an atomic read of a value it had).
     *
     * @return the count.
     */
    public long liveVariables()
    {
        return (long)LIVE_VARIABLES.getOpaque(this);
    }

    /**
     * Bytes asked for by this segment's live variables (exact under the lock; without it, an atomic read of a value it had).
     *
     * @return the bytes.
     */
    public long liveBytes()
    {
        return (long)LIVE_BYTES.getOpaque(this);
    }

    /**
     * Bytes retired in this segment and not yet reusable (exact under the lock; without it, an atomic read of a value it had).
     *
     * @return the bytes.
     */
    public long pendingBytes()
    {
        return retired.pendingBytesOpaque();
    }

    /**
     * alloc calls refused as duplicates (exact under the lock; without it, an atomic read of a value it had).
     *
     * @return the count.
     */
    public long duplicateAllocs()
    {
        return (long)DUPLICATE_ALLOCS.getOpaque(this);
    }

    /**
     * Allocations refused by the memory cap or a constructor (exact under the lock; without it, an atomic read of a value it had).
     *
     * @return the count.
     */
    public long failedAllocs()
    {
        return (long)FAILED_ALLOCS.getOpaque(this);
    }

    /**
     * Variables freed because their weak parent was collected (exact under the lock; without it,
     * an atomic read of a value it had).
     *
     * @return the count.
     */
    public long collectedVariables()
    {
        return (long)COLLECTED_VARIABLES.getOpaque(this);
    }

    /**
     * Close this segment (under the lock): later writers throw, readers find the table closed.
     * The store gives the arena back afterwards.
     */
    public void closeLocked()
    {
        closed = true;
        if (null != weakParents)
        {
            weakParents.clearAll();
        }
        table.close();
        retired.close();
        liveVariables = 0;
        liveBytes = 0;
    }

    // ------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------

    private long dataAddress(final long header)
    {
        return (Block.flags(header) & Block.INDIRECT) != 0 ?
            Memory.getLong(header + dataOffset) : header + dataOffset;
    }

    private <T> long allocLocked(
        final long parent,
        final Object parentObject,
        final long id,
        final long hash,
        final int size,
        final ShadowCtor<? super T> ctor,
        final T ctorData,
        final CallbackGuard.Writer self)
    {
        // The common path stays short enough for the JIT to inline into alloc (a long parent, no
        // constructor); everything else is out of line below.
        if (!table.ensureRoomForOne(liveVariables) || (null != parentObject && !table.ensureParents()))
        {
            failedAllocs++;
            return 0;
        }
        final long header = takeBlock(size, self.cache());
        if (0 == header)
        {
            return 0;
        }
        Object entry = null;
        if (null != parentObject)
        {
            entry = attachObjectParent(header, parentObject);
            if (null == entry)
            {
                return 0;
            }
        }
        else
        {
            Memory.putLong(header + Block.PARENT_OFFSET, parent);
        }
        Memory.putLong(header + Block.ID_OFFSET, id);
        if (null != ctor && !construct(header, entry, ctor, ctorData, self))
        {
            return 0;
        }
        table.insert(hash, header, entry);
        liveVariables++;
        liveBytes += size;
        return dataAddress(header);
    }

    /** A new zeroed block, or 0 (counted as a failed alloc) when the memory cap refuses. */
    private long takeBlock(final int size, final BlockCache cache)
    {
        // The free list first: it is read anyway by the allocation that follows, while the retire
        // list's count is written by every free, often on another thread's core.
        if (!allocator.hasFreeBlock(size) && retired.pendingBytes() > 0)
        {
            // Let retired memory become reusable before carving new memory for this size.
            retired.collect();
        }
        long header = allocator.allocate(size, cache);
        if (0 == header && (retired.pendingBytes() > 0 || peersPending()))
        {
            header = allocateAfterReclaiming(size, cache);
        }
        if (0 == header)
        {
            // The memory cap, or the operating system, refused: nothing was added (rule 8).
            failedAllocs++;
        }
        return header;
    }

    /**
     * Record an object parent in a new block: its table entry (the object, or its weak parent)
     * and its identity hash in the header.
     *
     * @return the table entry (never null otherwise), or null when the heap refused the parent's
     *         record (the block went back).
     */
    private Object attachObjectParent(final long header, final Object parentObject)
    {
        final Object entry;
        try
        {
            entry = null == weakParents ? parentObject : weakParents.acquire(parentObject, header);
        }
        catch (final OutOfMemoryError ex)
        {
            // The heap refused the parent's bookkeeping: a refusal like the cap's (rule 8). Nothing
            // of the parent was recorded, so the block goes back as a refused constructor's does.
            abandon(header, null);
            return null;
        }
        // The identity hash, so that the table can rehash the entry without its parent.
        Memory.putLong(header + Block.PARENT_OFFSET, System.identityHashCode(parentObject));
        Memory.putInt(header + Block.FLAGS_OFFSET, Block.flags(header) | Block.OBJECT);
        return entry;
    }

    /**
     * Run the constructor on a new, unpublished block. On refusal or failure the block (and a
     * weak parent's record of it) goes back.
     *
     * @return true when the constructor accepted the variable.
     */
    private <T> boolean construct(
        final long header, final Object entry, final ShadowCtor<? super T> ctor, final T ctorData, final CallbackGuard.Writer self)
    {
        final int result;
        final Callback var;
        try
        {
            // Checked mode makes a new flyweight per call: the heap may refuse it.
            var = callbackFor(header, entry);
        }
        catch (final OutOfMemoryError ex)
        {
            // A refusal like the cap's (rule 8); the block and the weak parent's record go back.
            abandon(header, entry);
            return false;
        }
        final CallbackGuard.Writer inside = CallbackGuard.enter(self);
        try
        {
            result = ctor.construct(var, ctorData);
        }
        catch (final Throwable ex)
        {
            abandon(header, entry);
            throw ex;
        }
        finally
        {
            var.invalidate();
            CallbackGuard.leave(inside);
        }
        if (0 != result)
        {
            abandon(header, entry);
            return false;
        }
        return true;
    }

    private boolean peersPending()
    {
        final Segment[] peers = this.peers;
        if (null == peers)
        {
            return false;
        }
        for (final Segment peer : peers)
        {
            if (peer.pendingBytes() > 0)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Refused with memory still waiting for readers (at the cap, typically after a reader stalled):
     * two steps of the epoch release whatever no reader holds any more, here and, through
     * {@link #takeFromPeers}, in the other segments, so the first allocation after the reader lets
     * go succeeds. Slow path only; with the reader still holding, it refuses as before.
     */
    private long allocateAfterReclaiming(final int size, final BlockCache cache)
    {
        retired.seal();
        reclaimer.tryAdvance();
        reclaimer.tryAdvance();
        retired.releaseExpired(reclaimer.epoch());
        return allocator.allocate(size, cache);
    }

    private void abandon(final long header, final Object entry)
    {
        // Never published: no reader can hold it, so it is reusable at once.
        failedAllocs++;
        if (entry instanceof WeakParent)
        {
            weakParents.release((WeakParent)entry, header);
        }
        allocator.markFreed(header);
        allocator.release(header);
    }

    private long duplicate(final long parent, final Object parentObject, final long id)
    {
        duplicateAllocs++;
        if (LOGGER.isLoggable(System.Logger.Level.WARNING))
        {
            final String who = null == parentObject ? "0x" + Long.toHexString(parent) :
                parentObject.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(parentObject));
            LOGGER.log(System.Logger.Level.WARNING,
                "Duplicate shadow variable <" + who + ", 0x" + Long.toHexString(id) + ">: alloc refused");
        }
        return 0;
    }

    private Throwable freeAt(final int index, final ShadowDtor dtor, final Throwable earlier, final CallbackGuard.Writer self)
    {
        final long header = table.headerAt(index);
        final Object entry = table.parentAt(index);
        table.removeAt(index);
        return destroyUnlinked(header, entry, dtor, earlier, self);
    }

    /** After the unlink: count, run the destructor, mark the block freed and retire it. */
    private Throwable destroyUnlinked(
        final long header, final Object entry, final ShadowDtor dtor, final Throwable earlier, final CallbackGuard.Writer self)
    {
        liveVariables--;
        liveBytes -= Block.size(header);

        final Throwable failure = null == dtor ? earlier : destroy(header, entry, dtor, earlier, self);
        allocator.markFreed(header);
        if (entry instanceof WeakParent)
        {
            weakParents.release((WeakParent)entry, header);
        }
        retired.retire(header, null == self ? null : self.cache());
        return failure;
    }

    /** Run the destructor on an unlinked block (out of line: the path without one stays short). */
    private Throwable destroy(
        final long header, final Object entry, final ShadowDtor dtor, final Throwable earlier, final CallbackGuard.Writer self)
    {
        Throwable failure = earlier;
        final Callback var = callbackFor(header, entry);
        final CallbackGuard.Writer inside = null == self ? guard.enter() : CallbackGuard.enter(self);
        try
        {
            dtor.destroy(var);
        }
        catch (final Throwable ex)
        {
            failure = recordFailure(header, ex, failure);
        }
        finally
        {
            var.invalidate();
            CallbackGuard.leave(inside);
        }
        return failure;
    }

    /**
     * Free the variables of a collected weak parent of this segment (see {@link CollectedParents}
     * for the three steps): unlink under the lock, run the callback without it, retire under it.
     * The caller holds no lock of this store. Nothing happens when the parent was detached already
     * (its variables were freed explicitly) or the store is closed.
     *
     * @param parent  a reference taken from the queue.
     * @param failure one cell: the first callback exception so far (others are added to it as
     *                suppressed), updated in place.
     * @return how many variables were freed.
     */
    int expunge(final WeakParent parent, final Throwable[] failure)
    {
        final ShadowDtor dtor = collectedParents.onCollected();
        final long[] headers;
        lock();
        try
        {
            if (closed || !weakParents.attached(parent))
            {
                return 0;
            }
            headers = parent.headers();
            for (final long header : headers)
            {
                final int at = table.indexOfHeader(header, ShadowTable.hashIdentity(parent.identityHash, Block.id(header)));
                if (at < 0)
                {
                    throw new IllegalStateException("shadow block 0x" + Long.toHexString(header) +
                        " of a collected parent is not in the table");
                }
                table.removeAt(at);
                liveVariables--;
                liveBytes -= Block.size(header);
            }
            collectedVariables += headers.length;
            weakParents.detach(parent);
            if (null == dtor)
            {
                retireAll(headers);
                return headers.length;
            }
            // Counted under the lock, after the closed check: close() waits for this to drop to 0.
            collectedParents.running().incrementAndGet();
        }
        finally
        {
            unlock();
        }
        try
        {
            // Unlinked, not retired: nobody else can reach or reuse these blocks, and no lock is held.
            // A flyweight of its own: the segment's is for callbacks under the lock, which is not held here.
            final Callback collectedVar = new Callback();
            final CallbackGuard.Writer inside = guard.enter();
            try
            {
                for (final long header : headers)
                {
                    try
                    {
                        dtor.destroy(collectedVar.of(header, null));
                    }
                    catch (final Throwable ex)
                    {
                        failure[0] = recordFailure(header, ex, failure[0]);
                    }
                }
            }
            finally
            {
                collectedVar.invalidate();
                CallbackGuard.leave(inside);
            }
            lock();
            try
            {
                if (!closed)
                {
                    retireAll(headers);
                }
            }
            finally
            {
                unlock();
            }
        }
        finally
        {
            collectedParents.running().decrementAndGet();
        }
        return headers.length;
    }

    private void retireAll(final long[] headers)
    {
        for (final long header : headers)
        {
            allocator.markFreed(header);
            retired.retire(header);
        }
    }

    private static Throwable recordFailure(final long header, final Throwable ex, final Throwable earlier)
    {
        final DestructorFailedEvent event = new DestructorFailedEvent();
        if (event.shouldCommit())
        {
            event.id = Block.id(header);
            event.exception = ex.getClass().getName();
            event.message = ex.getMessage();
            event.commit();
        }
        if (null == earlier)
        {
            return ex;
        }
        if (earlier != ex)
        {
            earlier.addSuppressed(ex);
        }
        return earlier;
    }

    /**
     * Throw a destructor's exception as it is (unchecked) or wrapped (checked).
     *
     * @param failure the exception, or null for none.
     */
    public static void rethrow(final Throwable failure)
    {
        if (failure instanceof RuntimeException)
        {
            throw (RuntimeException)failure;
        }
        if (failure instanceof Error)
        {
            throw (Error)failure;
        }
        if (null != failure)
        {
            throw new IllegalStateException("shadow destructor failed", failure);
        }
    }

    /**
     * The variable handed to a constructor or destructor: the segment's one flyweight, or in
     * checked mode a new one per call, so that one kept past its callback always fails.
     */
    private Callback callbackFor(final long header, final Object parentEntry)
    {
        return (checked ? new Callback() : callback).of(header, parentEntry);
    }

    /**
     * The flyweight handed to constructors and destructors; used under the lock only. Once its
     * callback returns it is invalid: every method throws {@link IllegalStateException} (until,
     * outside checked mode, the segment hands it to its next callback), and in checked mode its
     * buffer no longer reaches the data.
     */
    private final class Callback implements ShadowVar
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        private long header;
        // The parents-array entry of the variable: the object, its WeakParent, or null for a long
        // parent or a collected one.
        private Object parentEntry;

        Callback of(final long header, final Object parentEntry)
        {
            this.header = header;
            this.parentEntry = parentEntry;
            buffer.wrap(dataAddress(header), Block.size(header));
            return this;
        }

        void invalidate()
        {
            header = 0;
            parentEntry = null;
            if (checked)
            {
                buffer.wrap(NO_DATA);
            }
        }

        private long header()
        {
            final long header = this.header;
            if (0 == header)
            {
                throw new IllegalStateException(
                    "ShadowVar used after its ctor or dtor returned: it is valid only inside the callback");
            }
            return header;
        }

        @Override
        public long parent()
        {
            final long header = header();
            return (Block.flags(header) & Block.OBJECT) != 0 ? 0 : Block.parent(header);
        }

        @Override
        public Object parentObject()
        {
            header();
            final Object entry = parentEntry;
            // A weak parent's reference: the object, or null when it is gone (freeAll of a
            // collected parent's variable before it was expunged).
            return entry instanceof WeakParent ? ((WeakParent)entry).get() : entry;
        }

        @Override
        public long id()
        {
            return Block.id(header());
        }

        @Override
        public int size()
        {
            return Block.size(header());
        }

        @Override
        public long address()
        {
            return dataAddress(header());
        }

        @Override
        public MutableDirectBuffer data()
        {
            header();
            return buffer;
        }

        @Override
        public String toString()
        {
            if (0 == header)
            {
                return "ShadowVar{invalid: its ctor or dtor returned}";
            }
            return "ShadowVar{parent=" + (null != parentObject() ? parentObject() : "0x" + Long.toHexString(parent())) +
                ", id=0x" + Long.toHexString(id()) + ", size=" + size() + "}";
        }
    }
}
