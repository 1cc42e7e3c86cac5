package io.shadowvars;

import io.shadowvars.internal.Block;
import io.shadowvars.internal.alloc.FaultInjector;
import io.shadowvars.internal.alloc.NativeArena;
import io.shadowvars.internal.alloc.SizeClasses;
import io.shadowvars.internal.reclaim.ReaderHandle;
import io.shadowvars.internal.reclaim.Reclaimer;
import io.shadowvars.internal.table.CallbackGuard;
import io.shadowvars.internal.table.CollectedParents;
import io.shadowvars.internal.table.ExpungeThread;
import io.shadowvars.internal.table.Segment;
import io.shadowvars.internal.table.ShadowTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.util.ArrayList;
import java.util.Objects;

/**
 * A store of shadow variables: off-heap data attached to a parent (a non-zero {@code long} such as
 * a native buffer address, or a Java object compared by identity) and found by
 * {@code <parent, id>}, as the Linux kernel's livepatch shadow variables ({@code klp_shadow_*}).
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (ShadowStore store = ShadowStore.create())
 * {
 *     long meta = store.getOrAlloc(bufferAddress, RX_META, 16, (var, now) ->
 *     {
 *         var.data().putLong(0, now.nanos);            // runs once, before anyone can see it
 *         return 0;
 *     }, clock);
 *     ...
 *     long found = store.get(bufferAddress, RX_META); // 0 when absent; allocates nothing
 *     store.free(bufferAddress, RX_META);              // when the buffer goes back to its pool
 * }
 * }</pre>
 *
 * <h2>Thread safety</h2>
 * All methods may be called from any thread. {@code get} never locks: it is lock-free against
 * writers and allocates nothing. The store is split into segments by parent (a long parent's
 * 16 KiB region of addresses, an object parent's identity hash; all ids of one parent share a
 * segment); {@code alloc}, {@code getOrAlloc} (when the variable is
 * absent) and {@code free} take the write lock of their key's segment only, under which
 * constructors and destructors run, so writers on parents of different segments never wait for
 * each other. {@code freeAll}, {@code stats()}, {@code reader()} and {@code close()} take every
 * segment's lock, in order, and are therefore atomic against all other writers. Data returned by {@code get} stays valid until the caller's own {@code free}; to use data
 * that another thread may free, use it inside a read section of a {@link ShadowReader} (the RCU
 * read lock of this store). With {@link Reclamation#NONE} the store must be used by one thread.
 * The store gives no mutual exclusion for what is written into shadow data. With
 * {@linkplain Builder#weakObjectParents(boolean) weak object parents}, any writer call and
 * {@code stats()} may first free the variables of a few collected parents and run
 * {@code onParentCollected} on them, on the calling thread, with no lock of the store held; the
 * optional thread of {@link #startExpungeThread()} does the same in the background.
 *
 * <h2>Long or object parent</h2>
 * The overload is chosen by the static type of the argument: a primitive {@code long} is an
 * address parent, anything else an object parent compared by identity. A boxed {@code Long} (from
 * a {@code List<Long>}, say) therefore selects the object overloads and finds nothing an address
 * parent allocated; unbox it. Checked mode rejects boxed {@code Long} and {@code Integer} parents.
 *
 * <h2>Errors</h2>
 * Expected outcomes are return values: 0 or {@code false} for absent, duplicate, over the memory
 * limit, or refused by a constructor. Misuse throws: {@link IllegalArgumentException} for parent 0,
 * a negative size or a size over the store's maximum; {@link NullPointerException} for a null object
 * parent; {@link IllegalStateException} for any call after {@link #close()} (but those that
 * describe the store: see there) or a mutating call from inside a constructor or destructor.
 */
public final class ShadowStore extends ShadowStorePadRhs implements AutoCloseable
{
    // The fields get() reads (tables, dataOffset, maxSize, checked) are in ShadowStoreReadFields,
    // padded away from these. Each segment pads its own write-side state.
    private final Reclamation reclamation;
    private final Segment[] segments;
    private final NativeArena arena;
    private final Reclaimer reclaimer;
    private final CallbackGuard guard;
    /** Weak object parents' queue and callback; null for strong parents (the default). */
    private final CollectedParents collected;
    /** Guards {@link #expungeThread}. */
    private final Object expungeThreadLock = new Object();
    /** The optional background expunger (weak parents only); null unless started. */
    private ExpungeThread expungeThread;
    private static final System.Logger LOGGER = System.getLogger("io.shadowvars");

    private ShadowStore(
        final Builder builder,
        final Segment[] segments,
        final NativeArena arena,
        final Reclaimer reclaimer,
        final CallbackGuard guard,
        final CollectedParents collected,
        final int dataOffset)
    {
        super(tablesOf(segments), dataOffset, (int)Math.min(builder.maxSize, builder.maxMemory), builder.checked,
            builder.regionShift);
        this.reclamation = builder.reclamation;
        this.segments = segments;
        this.arena = arena;
        this.reclaimer = reclaimer;
        this.guard = guard;
        this.collected = collected;
        reclaimer.bind(new Reclaimer.Writers()
        {
            @Override
            public void lockAll()
            {
                // A reader closed from inside a ctor or dtor: refuse before taking any lock (the
                // callback holds its segment's lock; taking the others first would strand them).
                guard.check();
                ShadowStore.this.lockAll();
            }

            @Override
            public void unlockAll()
            {
                ShadowStore.this.unlockAll();
            }

            @Override
            public void releaseAllRetired()
            {
                for (final Segment segment : segments)
                {
                    segment.releaseAllRetired();
                }
            }
        });
    }

    private static ShadowTable[] tablesOf(final Segment[] segments)
    {
        final ShadowTable[] tables = new ShadowTable[segments.length];
        for (int i = 0; i < segments.length; i++)
        {
            tables[i] = segments[i].table();
        }
        return tables;
    }

    /**
     * A store with all defaults: {@link Reclamation#EPOCH}, 8-byte alignment, no memory limit.
     *
     * @return a new store.
     */
    public static ShadowStore create()
    {
        return builder().build();
    }

    /**
     * A builder for a store with options.
     *
     * @return a new builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------------
    // Long parents
    // ------------------------------------------------------------------------------------------

    /**
     * Find the variable {@code <parent, id>}. Lock-free; allocates nothing.
     *
     * @param parent a non-zero parent.
     * @param id     the variable's id.
     * @return the data address, or 0 when absent.
     * @throws IllegalArgumentException when parent is 0.
     * @throws IllegalStateException    after {@link #close()}.
     */
    public long get(final long parent, final long id)
    {
        checkParent(parent);
        final long header = tableOf(parent).findLong(parent, id);
        return 0 == header ? 0 : dataAddress(header);
    }

    /**
     * Find the variable {@code <parent, id>} and wrap a buffer over exactly its data.
     *
     * @param parent a non-zero parent.
     * @param id     the variable's id.
     * @param view   wrapped over the data when found; left untouched otherwise.
     * @return true when found, false when absent.
     * @throws IllegalArgumentException when parent is 0.
     * @throws NullPointerException     when view is null.
     * @throws IllegalStateException    after {@link #close()}.
     */
    public boolean get(final long parent, final long id, final UnsafeBuffer view)
    {
        checkParent(parent);
        Objects.requireNonNull(view, "view");
        return wrap(tableOf(parent).findLong(parent, id), view);
    }

    /**
     * Allocate zeroed data for a new variable {@code <parent, id>}. The kernel's
     * {@code klp_shadow_alloc}.
     *
     * @param parent a non-zero parent.
     * @param id     the variable's id.
     * @param size   data size in bytes, from 0 (a flag) to the store's maximum.
     * @return the data address; 0 when the variable already exists (counted in
     * {@link ShadowStats#duplicateAllocs()} and logged as a warning) or the memory limit refuses it.
     * @throws IllegalArgumentException when parent is 0 or size is out of range.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public long alloc(final long parent, final long id, final int size)
    {
        return alloc(parent, id, size, null, null);
    }

    /**
     * Allocate zeroed data for a new variable {@code <parent, id>} and run a constructor on it
     * before it becomes visible. The kernel's {@code klp_shadow_alloc}.
     *
     * @param parent   a non-zero parent.
     * @param id       the variable's id.
     * @param size     data size in bytes, from 0 to the store's maximum.
     * @param ctor     run once on the zeroed data under the write lock; null for none.
     * @param ctorData passed to the constructor.
     * @param <T>      the type of the constructor data.
     * @return the data address; 0 when the variable already exists, the memory limit refuses it, or
     * the constructor returns non-zero.
     * @throws IllegalArgumentException when parent is 0 or size is out of range.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public <T> long alloc(
        final long parent, final long id, final int size, final ShadowCtor<? super T> ctor, final T ctorData)
    {
        checkParent(parent);
        checkSize(size);
        if (null != collected)
        {
            expungeBatch();
        }
        return segmentOf(parent).alloc(parent, null, id, ShadowTable.hashLong(parent, id), size, ctor, ctorData, false);
    }

    /**
     * Return the variable {@code <parent, id>}, allocating it as {@link #alloc(long, long, int)}
     * does when absent. The kernel's {@code klp_shadow_get_or_alloc}.
     *
     * @param parent a non-zero parent.
     * @param id     the variable's id.
     * @param size   data size for a new variable.
     * @return the data address (of the existing variable, whatever its size), or 0 when the memory
     * limit refuses a new one.
     * @throws IllegalArgumentException when parent is 0 or size is out of range.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public long getOrAlloc(final long parent, final long id, final int size)
    {
        return getOrAlloc(parent, id, size, null, null);
    }

    /**
     * Return the variable {@code <parent, id>}, allocating and constructing it when absent. When
     * threads race on one absent variable, exactly one constructor runs and all get its address.
     * The kernel's {@code klp_shadow_get_or_alloc}.
     *
     * @param parent   a non-zero parent.
     * @param id       the variable's id.
     * @param size     data size for a new variable.
     * @param ctor     run once on a new variable; not run when it exists.
     * @param ctorData passed to the constructor.
     * @param <T>      the type of the constructor data.
     * @return the data address, or 0 when the memory limit or the constructor refuses a new one.
     * @throws IllegalArgumentException when parent is 0 or size is out of range.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public <T> long getOrAlloc(
        final long parent, final long id, final int size, final ShadowCtor<? super T> ctor, final T ctorData)
    {
        checkParent(parent);
        checkSize(size);
        final int segment = segmentIndex(parent);
        final long found = tables[segment].findLong(parent, id);
        if (0 != found)
        {
            return dataAddress(found);
        }
        if (null != collected)
        {
            expungeBatch();
        }
        return segments[segment].alloc(parent, null, id, ShadowTable.hashLong(parent, id), size, ctor, ctorData, true);
    }

    /**
     * Free the variable {@code <parent, id>}. The kernel's {@code klp_shadow_free}.
     *
     * @param parent a non-zero parent.
     * @param id     the variable's id.
     * @return true when a variable was found and freed, false when absent.
     * @throws IllegalArgumentException when parent is 0.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public boolean free(final long parent, final long id)
    {
        return free(parent, id, null);
    }

    /**
     * Free the variable {@code <parent, id>}: unlink it, run the destructor on it, then retire its
     * memory (reused once no reader section can hold it). The kernel's {@code klp_shadow_free}.
     *
     * @param parent a non-zero parent.
     * @param id     the variable's id.
     * @param dtor   run on the unlinked variable; null for none. If it throws, the variable is
     *               still freed and the exception is rethrown.
     * @return true when a variable was found and freed, false when absent.
     * @throws IllegalArgumentException when parent is 0.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public boolean free(final long parent, final long id, final ShadowDtor dtor)
    {
        checkParent(parent);
        if (null != collected)
        {
            expungeBatch();
        }
        return segmentOf(parent).free(parent, null, id, ShadowTable.hashLong(parent, id), dtor);
    }

    /**
     * Free every variable with this id, of long and object parents alike. The kernel's
     * {@code klp_shadow_free_all}.
     *
     * @param id the id.
     * @return how many variables were freed.
     * @throws IllegalStateException after {@link #close()} or from inside a constructor or destructor.
     */
    public int freeAll(final long id)
    {
        return freeAll(id, null);
    }

    /**
     * Free every variable with this id, running the destructor on each after unlinking it. A
     * destructor that throws does not stop the freeing: every variable is freed, then the first
     * exception is rethrown with the others suppressed. The kernel's {@code klp_shadow_free_all}.
     *
     * @param id   the id.
     * @param dtor run on each unlinked variable; null for none.
     * @return how many variables were freed.
     * @throws IllegalStateException after {@link #close()} or from inside a constructor or destructor.
     */
    public int freeAll(final long id, final ShadowDtor dtor)
    {
        if (null != collected)
        {
            expungeBatch();
        }
        final Throwable[] failure = new Throwable[1];
        int freed = 0;
        lockAllForWrite();
        try
        {
            // Every segment's lock is held for the whole walk, as the kernel holds its one lock:
            // every <*, id> allocated before this call is freed, none allocated after it.
            reclaimTerminatedWriters();
            final Segment.FreeAllScratch scratch = freeAllScratch();
            for (final Segment segment : segments)
            {
                freed += segment.freeAllLocked(id, dtor, failure, scratch);
            }
        }
        finally
        {
            unlockAll();
        }
        Segment.rethrow(failure[0]);
        return freed;
    }

    /**
     * Scratch for freeAll's one-pass unlink, sized for the fullest segment (under every lock, so
     * the counts hold); null when the heap refuses it, and freeAll then unlinks one by one.
     */
    private Segment.FreeAllScratch freeAllScratch()
    {
        long most = 0;
        for (final Segment segment : segments)
        {
            most = Math.max(most, segment.liveVariables());
        }
        if (0 == most)
        {
            return null;
        }
        try
        {
            return arena.faultAt(FaultInjector.Site.SCRATCH, most * Segment.FreeAllScratch.BYTES_PER_ENTRY) ? null :
                new Segment.FreeAllScratch((int)most);
        }
        catch (final OutOfMemoryError ex)
        {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Object parents
    // ------------------------------------------------------------------------------------------

    /**
     * Find the variable {@code <parent, id>} of an object parent (identity, never
     * {@code equals}). Lock-free; allocates nothing.
     *
     * @param parent the parent object.
     * @param id     the variable's id.
     * @return the data address, or 0 when absent.
     * @throws NullPointerException  when parent is null.
     * @throws IllegalStateException after {@link #close()}.
     */
    public long get(final Object parent, final long id)
    {
        checkParent(parent);
        final long header = tableOf(parent).findObject(parent, id);
        return 0 == header ? 0 : dataAddress(header);
    }

    /**
     * Find the variable {@code <parent, id>} of an object parent and wrap a buffer over exactly
     * its data.
     *
     * @param parent the parent object.
     * @param id     the variable's id.
     * @param view   wrapped over the data when found; left untouched otherwise.
     * @return true when found, false when absent.
     * @throws NullPointerException  when parent or view is null.
     * @throws IllegalStateException after {@link #close()}.
     */
    public boolean get(final Object parent, final long id, final UnsafeBuffer view)
    {
        checkParent(parent);
        Objects.requireNonNull(view, "view");
        return wrap(tableOf(parent).findObject(parent, id), view);
    }

    /**
     * {@link #alloc(long, long, int)} for an object parent. The store keeps the parent reachable
     * until the variable is freed, unless it holds object parents weakly
     * ({@link Builder#weakObjectParents(boolean)}).
     *
     * @param parent the parent object.
     * @param id     the variable's id.
     * @param size   data size in bytes, from 0 to the store's maximum.
     * @return the data address, or 0 when the variable exists or the memory limit refuses it.
     * @throws NullPointerException     when parent is null.
     * @throws IllegalArgumentException when size is out of range.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public long alloc(final Object parent, final long id, final int size)
    {
        return alloc(parent, id, size, null, null);
    }

    /**
     * {@link #alloc(long, long, int, ShadowCtor, Object)} for an object parent.
     *
     * @param parent   the parent object.
     * @param id       the variable's id.
     * @param size     data size in bytes.
     * @param ctor     run once on the zeroed data; null for none.
     * @param ctorData passed to the constructor.
     * @param <T>      the type of the constructor data.
     * @return the data address, or 0 when the variable exists, the memory limit refuses it or the
     * constructor returns non-zero.
     * @throws NullPointerException     when parent is null.
     * @throws IllegalArgumentException when size is out of range.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public <T> long alloc(
        final Object parent, final long id, final int size, final ShadowCtor<? super T> ctor, final T ctorData)
    {
        checkParent(parent);
        checkSize(size);
        if (null != collected)
        {
            expungeBatch();
        }
        return segmentOf(parent).alloc(0, parent, id, ShadowTable.hashObject(parent, id), size, ctor, ctorData, false);
    }

    /**
     * {@link #getOrAlloc(long, long, int)} for an object parent.
     *
     * @param parent the parent object.
     * @param id     the variable's id.
     * @param size   data size for a new variable.
     * @return the data address, or 0 when the memory limit refuses a new one.
     * @throws NullPointerException     when parent is null.
     * @throws IllegalArgumentException when size is out of range.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public long getOrAlloc(final Object parent, final long id, final int size)
    {
        return getOrAlloc(parent, id, size, null, null);
    }

    /**
     * {@link #getOrAlloc(long, long, int, ShadowCtor, Object)} for an object parent.
     *
     * @param parent   the parent object.
     * @param id       the variable's id.
     * @param size     data size for a new variable.
     * @param ctor     run once on a new variable.
     * @param ctorData passed to the constructor.
     * @param <T>      the type of the constructor data.
     * @return the data address, or 0 when the memory limit or the constructor refuses a new one.
     * @throws NullPointerException     when parent is null.
     * @throws IllegalArgumentException when size is out of range.
     * @throws IllegalStateException    after {@link #close()} or from inside a constructor or destructor.
     */
    public <T> long getOrAlloc(
        final Object parent, final long id, final int size, final ShadowCtor<? super T> ctor, final T ctorData)
    {
        checkParent(parent);
        checkSize(size);
        final int segment = segmentIndex(parent);
        final long found = tables[segment].findObject(parent, id);
        if (0 != found)
        {
            return dataAddress(found);
        }
        if (null != collected)
        {
            expungeBatch();
        }
        return segments[segment].alloc(0, parent, id, ShadowTable.hashObject(parent, id), size, ctor, ctorData, true);
    }

    /**
     * {@link #free(long, long)} for an object parent.
     *
     * @param parent the parent object.
     * @param id     the variable's id.
     * @return true when a variable was found and freed.
     * @throws NullPointerException  when parent is null.
     * @throws IllegalStateException after {@link #close()} or from inside a constructor or destructor.
     */
    public boolean free(final Object parent, final long id)
    {
        return free(parent, id, null);
    }

    /**
     * {@link #free(long, long, ShadowDtor)} for an object parent.
     *
     * @param parent the parent object.
     * @param id     the variable's id.
     * @param dtor   run on the unlinked variable; null for none.
     * @return true when a variable was found and freed.
     * @throws NullPointerException  when parent is null.
     * @throws IllegalStateException after {@link #close()} or from inside a constructor or destructor.
     */
    public boolean free(final Object parent, final long id, final ShadowDtor dtor)
    {
        checkParent(parent);
        if (null != collected)
        {
            expungeBatch();
        }
        return segmentOf(parent).free(0, parent, id, ShadowTable.hashObject(parent, id), dtor);
    }

    // ------------------------------------------------------------------------------------------
    // Readers, stats, lifecycle
    // ------------------------------------------------------------------------------------------

    /**
     * A read-side handle for the calling thread. Create it once per thread and keep it; close it
     * when the thread stops reading.
     *
     * @return a new handle owned by the calling thread.
     * @throws IllegalStateException after {@link #close()}.
     */
    public ShadowReader reader()
    {
        lockAllForWrite();
        try
        {
            reclaimTerminatedWriters();
            return reclaimer.register();
        }
        finally
        {
            unlockAll();
        }
    }

    /**
     * A snapshot of the counters. Takes the write lock and allocates: not for hot paths. Also
     * lets the reclamation epoch advance, if it can, so that memory no reader holds any more is
     * released and no longer counted as pending.
     *
     * @return the snapshot.
     * @throws IllegalStateException after {@link #close()}.
     */
    public ShadowStats stats()
    {
        if (null != collected)
        {
            expungeBatch();
        }
        lockAllForWrite();
        try
        {
            reclaimer.pruneTerminated();
            reclaimTerminatedWriters();
            // Two advances release everything retired so far, unless a reader still holds it.
            for (final Segment segment : segments)
            {
                segment.sealRetired();
            }
            if (reclaimer.tryAdvance())
            {
                reclaimer.tryAdvance();
            }
            long live = 0;
            long bytes = 0;
            long pending = 0;
            long duplicates = 0;
            long failed = 0;
            long collectedVars = 0;
            for (final Segment segment : segments)
            {
                segment.releaseExpired();
                live += segment.liveVariables();
                bytes += segment.liveBytes();
                pending += segment.pendingBytes();
                duplicates += segment.duplicateAllocs();
                failed += segment.failedAllocs();
                collectedVars += segment.collectedVariables();
            }
            // Every segment lock is held: no writer can change any of these meanwhile.
            return new Snapshot(live, bytes, arena.reservedBytes(), pending, duplicates, failed, collectedVars);
        }
        finally
        {
            unlockAll();
        }
    }

    /**
     * Fill a holder with the store's counters without taking any lock and without allocating:
     * each segment's counters are read as they stand while writers go on, so the figures are not
     * one consistent snapshot (use {@link #stats()} for that) and pending memory is not released
     * first. Safe from any thread at any time, also from inside a constructor or destructor.
     *
     * @param into the holder to fill.
     * @return {@code into}.
     * @throws NullPointerException  when into is null.
     * @throws IllegalStateException after {@link #close()}.
     */
    public ShadowCounters readCounters(final ShadowCounters into)
    {
        Objects.requireNonNull(into, "into");
        if (segments[0].isClosedOpaque())
        {
            throw new IllegalStateException("ShadowStore is closed");
        }
        return sumCounters(into);
    }

    /** readCounters without the closed check: the segments' counters stay readable after close. */
    ShadowCounters sumCounters(final ShadowCounters into)
    {
        long live = 0;
        long bytes = 0;
        long pending = 0;
        long duplicates = 0;
        long failed = 0;
        long collectedVars = 0;
        for (final Segment segment : segments)
        {
            live += segment.liveVariables();
            bytes += segment.liveBytes();
            pending += segment.pendingBytes();
            duplicates += segment.duplicateAllocs();
            failed += segment.failedAllocs();
            collectedVars += segment.collectedVariables();
        }
        into.liveVariables = live;
        into.liveBytes = bytes;
        into.pendingFreeBytes = pending;
        into.duplicateAllocs = duplicates;
        into.failedAllocs = failed;
        into.collectedVariables = collectedVars;
        into.reservedBytes = arena.reservedBytes();
        return into;
    }

    // ---- Agrona counters (registerCounters): the registrations this store closes when it closes.
    // Guarded by itself; used only when registering and closing, never on a data path.
    private final ArrayList<RegisteredCounters> registeredCounters = new ArrayList<>();
    private boolean registeredCountersClosed;

    /**
     * Register this store's counters in an Agrona {@link CountersManager},
     * so that a tool outside the process that maps the manager's buffers (a memory-mapped file,
     * as Aeron's CnC file) can read them: live variables, live bytes, reserved bytes,
     * pending-free bytes, duplicate allocs and failed allocs, one counter each, labelled
     * {@code "<label>: <kind>"} (see {@link RegisteredCounters.Kind}).
     *
     * <p>The counters are written once here and then on each {@link RegisteredCounters#update()}
     * (lock-free, allocation-free), which the caller runs as often as it wants them fresh: the
     * store's own operations do not touch them. Closing the returned handle, or this store, frees
     * them in the manager. May be called several times, with the same or other managers.
     *
     * @param manager where to allocate the counters; used only here and when they are freed (an
     *                Agrona {@code CountersManager} is not thread-safe: pass a
     *                {@code ConcurrentCountersManager} when other threads use it meanwhile).
     * @param label   what the counters' labels start with, e.g. the store's role ({@code "rx-meta"}).
     * @return the handle that updates and frees the counters.
     * @throws NullPointerException     when manager or label is null.
     * @throws IllegalArgumentException when label is blank, or too long for a counter label
     *                                  ({@code CountersReader.MAX_LABEL_LENGTH} bytes with the
     *                                  longest suffix) in the manager's label charset.
     * @throws IllegalStateException    after {@link #close()}, or when the manager has no room for
     *                                  six more counters (Agrona's exception; none is left allocated).
     */
    public RegisteredCounters registerCounters(
        final CountersManager manager, final String label)
    {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(label, "label");
        RegisteredCounters.checkLabel(manager, label);
        synchronized (registeredCounters)
        {
            if (registeredCountersClosed)
            {
                throw new IllegalStateException("ShadowStore is closed");
            }
            final RegisteredCounters counters = new RegisteredCounters(this, manager, label);
            registeredCounters.add(counters);
            counters.update();
            return counters;
        }
    }

    /** A handle closed by its owner: the store need not close it. */
    void forgetCounters(final RegisteredCounters counters)
    {
        synchronized (registeredCounters)
        {
            registeredCounters.remove(counters);
        }
    }

    /** From close(): no registration from now on, and every registered one freed. */
    private void closeRegisteredCounters()
    {
        synchronized (registeredCounters)
        {
            registeredCountersClosed = true;
            for (final RegisteredCounters counters : registeredCounters)
            {
                counters.closeCounters();
            }
            registeredCounters.clear();
        }
    }

    /**
     * Free now the variables of every object parent that the garbage collector has collected
     * (weak object parents, {@link Builder#weakObjectParents(boolean)}; contract rule 11). Each is
     * freed as by {@code free}: unlinked, then {@link Builder#onParentCollected(ShadowDtor)} runs on
     * it (its {@code parentObject()} is null and {@code parent()} 0; the data is intact), then its
     * memory is retired. The callback runs on the calling thread while no lock of the store is held.
     * Writers and {@link #stats()} do the same work a bounded batch at a time, and so does the
     * optional background thread of {@link #startExpungeThread()}, so calling this is optional;
     * {@code get} never does it.
     *
     * <p>A callback that throws does not stop the freeing: every collected variable is freed, then
     * the first exception is rethrown with the others suppressed. In a store with strong object
     * parents (the default) there is nothing to expunge and this returns 0.
     *
     * @return how many variables were freed.
     * @throws IllegalStateException after {@link #close()} or from inside a constructor, destructor
     *                               or {@code onParentCollected} callback.
     */
    public int expungeCollected()
    {
        guard.check();
        if (segments[0].isClosedOpaque())
        {
            throw new IllegalStateException("ShadowStore is closed");
        }
        return null == collected ? 0 : collected.drain(Integer.MAX_VALUE, true);
    }

    /**
     * Start a background thread that frees the variables of collected object parents as soon as
     * the garbage collector reports them (weak object parents only; contract rule 11). Off by
     * default: no store starts a thread unless this is called. The thread is a daemon named
     * {@code shadowvars-expunge-<n>}; it sleeps on the store's reference queue (it does not poll)
     * and, each time the collector queues a collected parent, does what {@link #expungeCollected()}
     * does: so {@link Builder#onParentCollected(ShadowDtor)} runs on that thread, with no lock of the
     * store held. An exception the callback throws is logged as a warning and the thread goes on.
     * Writers and {@code stats()} keep expunging their batches too; each collected parent is freed
     * once, by whichever thread takes it.
     *
     * <p>The thread runs until {@link #stopExpungeThread()} or {@link #close()}, which stops it.
     *
     * @throws IllegalStateException when the store does not hold its object parents weakly
     *                               ({@link Builder#weakObjectParents(boolean)}), when the thread
     *                               is already running, after {@link #close()}, or from inside a
     *                               constructor, destructor or {@code onParentCollected} callback.
     */
    public void startExpungeThread()
    {
        guard.check();
        if (null == collected)
        {
            throw new IllegalStateException(
                "startExpungeThread() needs weakObjectParents(true): this store holds its object parents strongly");
        }
        synchronized (expungeThreadLock)
        {
            // close() marks the segments closed before it takes this lock to stop the thread: a
            // start that sees the store open here is stopped by that close.
            if (segments[0].isClosedOpaque())
            {
                throw new IllegalStateException("ShadowStore is closed");
            }
            if (null != expungeThread)
            {
                throw new IllegalStateException("the expunge thread is already running: " + expungeThread.name());
            }
            final ExpungeThread started = new ExpungeThread(collected);
            started.start();
            expungeThread = started;
        }
    }

    /**
     * Stop the thread of {@link #startExpungeThread()} and wait for it to end: at once when it is
     * waiting for work, otherwise once it has finished the batch it is expunging (its
     * {@code onParentCollected} calls are not interrupted). The wait is bounded by
     * {@link #CLOSE_WAIT_MILLIS}; a thread still inside a callback after that ends by itself after
     * its batch, and a warning is logged. Collected parents are then expunged only by writers,
     * {@code stats()} and {@link #expungeCollected()} again. May be called after {@link #close()}
     * (which stops the thread itself); then it returns false.
     *
     * @return true when a thread was running and this call stopped it; false when none was running
     * (never started, stopped already, or being stopped by another call).
     * @throws IllegalStateException from inside a constructor, destructor or
     *                               {@code onParentCollected} callback.
     */
    public boolean stopExpungeThread()
    {
        guard.check();
        final ExpungeThread stopped = takeExpungeThread();
        if (null == stopped)
        {
            return false;
        }
        if (!stopped.stop(CLOSE_WAIT_MILLIS * 1_000_000L) && LOGGER.isLoggable(System.Logger.Level.WARNING))
        {
            LOGGER.log(System.Logger.Level.WARNING, "ShadowStore.stopExpungeThread(): " + stopped.name() +
                " was still expunging after " + CLOSE_WAIT_MILLIS + " ms; it ends after its current batch");
        }
        return true;
    }

    private ExpungeThread takeExpungeThread()
    {
        synchronized (expungeThreadLock)
        {
            final ExpungeThread taken = expungeThread;
            expungeThread = null;
            return taken;
        }
    }

    /**
     * The name of the running expunge thread, for tests in this package; not API.
     *
     * @return the name, or null when none runs.
     */
    String expungeThreadName()
    {
        synchronized (expungeThreadLock)
        {
            return null == expungeThread ? null : expungeThread.name();
        }
    }

    /**
     * Whether this store holds its object parents weakly ({@link Builder#weakObjectParents(boolean)}).
     * Answers after {@link #close()} too.
     *
     * @return true for weak object parents.
     */
    public boolean weakObjectParents()
    {
        return null != collected;
    }

    /**
     * The reclamation mode this store was built with. Answers after {@link #close()} too.
     *
     * @return the mode.
     */
    public Reclamation reclamation()
    {
        return reclamation;
    }

    /**
     * The largest size a variable may be allocated with. Answers after {@link #close()} too.
     *
     * @return the maximum size in bytes.
     */
    public int maxSize()
    {
        return maxSize;
    }

    /**
     * How long {@link #close()} waits for readers that may still hold data: {@value} ms.
     */
    public static final long CLOSE_WAIT_MILLIS = 1_000;

    /**
     * Free all native memory. No destructor runs. Idempotent. Every other store call afterwards
     * throws {@link IllegalStateException}, but for those that describe the store rather than use
     * it: {@link #reclamation()}, {@link #maxSize()}, {@link #segments()}, {@link #regionSize()},
     * {@link #weakObjectParents()} and {@link #toString()} keep answering, and
     * {@link #stopExpungeThread()} returns false. On a {@link ShadowReader} of a closed store, {@code enter()} throws and
     * {@code exit()}, {@code quiescent()} and {@code close()} return normally (see there).
     *
     * <p>The background thread of {@link #startExpungeThread()}, if running, is stopped: at once
     * when it waits for work, otherwise after the batch it is on. As for any thread inside
     * {@code onParentCollected}, close() waits up to {@value #CLOSE_WAIT_MILLIS} ms for its callbacks
     * to return before it gives the memory back, and leaks it (logged) rather than unmap it under a
     * callback still running after that.
     *
     * <p>Readers are waited for (contract rule 13): once the store is marked closed and its tables
     * dropped (a {@code get} from then on throws), {@code close()} waits up to
     * {@value #CLOSE_WAIT_MILLIS} ms until no reader can still hold data it found before: an EPOCH
     * reader inside a section open at that moment, a QSBR reader until its next
     * {@code quiescent()}; a reader whose thread has terminated holds nothing. If one still does
     * after the bound, the native memory is left mapped (leaked, and logged as a warning) rather
     * than unmapped under that reader. A {@code get} racing {@code close()} outside any read
     * section is the caller's bug: it may throw {@link IllegalStateException} or read memory that
     * is being unmapped.
     *
     * @throws IllegalStateException when called from inside a read section of the calling thread,
     *                               or from inside a constructor or destructor.
     */
    @Override
    public void close()
    {
        guard.check();
        if (reclaimer.callerInSection())
        {
            throw new IllegalStateException("close() inside a read section of the calling thread: exit() first");
        }
        lockAll();
        try
        {
            if (segments[0].isClosed())
            {
                return;
            }
            // From here every writer, stats() and reader() throw, and get() finds no table.
            for (final Segment segment : segments)
            {
                segment.closeLocked();
            }
        }
        finally
        {
            unlockAll();
        }
        closeRegisteredCounters();
        final long callbacksDeadline = System.nanoTime() + CLOSE_WAIT_MILLIS * 1_000_000L;
        final ExpungeThread expunger = takeExpungeThread();
        if (null != expunger)
        {
            // Bounded by the same wait as other threads' callbacks below: a thread still inside
            // onParentCollected after it makes close() leak rather than unmap under it.
            expunger.stop(CLOSE_WAIT_MILLIS * 1_000_000L);
        }
        if (null != collected && !collected.awaitIdle(callbacksDeadline - System.nanoTime()))
        {
            // Another thread is still inside onParentCollected over blocks of this store.
            if (LOGGER.isLoggable(System.Logger.Level.WARNING))
            {
                LOGGER.log(System.Logger.Level.WARNING, "ShadowStore.close(): onParentCollected still ran after " +
                    CLOSE_WAIT_MILLIS + " ms; " + arena.reservedBytes() +
                    " bytes of native memory are left mapped (leaked) rather than unmapped under it");
            }
            return;
        }
        final ReaderHandle holder =
            reclaimer.awaitReadersForClose(CLOSE_WAIT_MILLIS * 1_000_000L);
        if (null == holder)
        {
            arena.close();
        }
        else if (LOGGER.isLoggable(System.Logger.Level.WARNING))
        {
            LOGGER.log(System.Logger.Level.WARNING, "ShadowStore.close(): a reader (" + holder +
                ") still held data after " + CLOSE_WAIT_MILLIS + " ms; " + arena.reservedBytes() +
                " bytes of native memory are left mapped (leaked) rather than unmapped under it");
        }
    }

    /**
     * A short description of the store's state. Takes no lock: while writers run, the counts are
     * approximate. Works from inside a constructor or destructor.
     *
     * @return a description.
     */
    @Override
    public String toString()
    {
        long live = 0;
        long bytes = 0;
        for (final Segment segment : segments)
        {
            live += segment.liveVariables();
            bytes += segment.liveBytes();
        }
        return "ShadowStore{reclamation=" + reclamation + ", segments=" + segments.length + ", live=" + live +
            ", liveBytes=" + bytes + ", reserved=" + arena.reservedBytes() + ", closed=" + segments[0].isClosed() + "}";
    }

    /**
     * The number of segments the store is split into (a power of two): writers on parents of
     * different segments never wait for each other. Answers after {@link #close()} too.
     *
     * @return the segment count.
     */
    public int segments()
    {
        return segments.length;
    }

    /**
     * The size of the address regions whose long parents share a segment
     * ({@link Builder#regionSize(long)}). Answers after {@link #close()} too.
     *
     * @return the region size in bytes, a power of two.
     */
    public long regionSize()
    {
        return 1L << regionShift;
    }

    // ------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------

    /**
     * The store's native memory, for tests in this package (fault injection); not API.
     *
     * @return the arena.
     */
    NativeArena arena()
    {
        return arena;
    }

    private ShadowTable tableOf(final long parent)
    {
        return tables[ShadowTable.segmentOf(parent, regionShift, tables.length)];
    }

    private ShadowTable tableOf(final Object parent)
    {
        return tables[ShadowTable.segmentOf(parent, tables.length)];
    }

    private int segmentIndex(final long parent)
    {
        return ShadowTable.segmentOf(parent, regionShift, segments.length);
    }

    private int segmentIndex(final Object parent)
    {
        return ShadowTable.segmentOf(parent, segments.length);
    }

    private Segment segmentOf(final long parent)
    {
        return segments[ShadowTable.segmentOf(parent, regionShift, segments.length)];
    }

    private Segment segmentOf(final Object parent)
    {
        return segments[ShadowTable.segmentOf(parent, segments.length)];
    }

    /**
     * Hand the block caches of terminated threads back and let the segments forget those threads.
     * The caller holds every segment lock.
     */
    private void reclaimTerminatedWriters()
    {
        guard.reclaimTerminated(segments[0]);
        for (final Segment segment : segments)
        {
            segment.forgetTerminatedWriter();
        }
    }

    /** Every segment's lock, in index order (the one order, so all-segment callers never deadlock). */
    private void lockAll()
    {
        for (final Segment segment : segments)
        {
            segment.lock();
        }
    }

    private void lockAllForWrite()
    {
        guard.check();
        lockAll();
        if (segments[0].isClosed())
        {
            unlockAll();
            throw new IllegalStateException("ShadowStore is closed");
        }
    }

    private void unlockAll()
    {
        for (int i = segments.length - 1; i >= 0; i--)
        {
            segments[i].unlock();
        }
    }

    /**
     * A writer's share of expunging (weak parents only): up to {@link CollectedParents#BATCH}
     * collected parents, before the writer takes its own lock. A throwing callback is logged, not
     * passed to this unrelated caller. From inside a callback it throws, as the writer would.
     */
    private void expungeBatch()
    {
        guard.check();
        collected.drain(CollectedParents.BATCH, false);
    }

    private boolean wrap(final long header, final UnsafeBuffer view)
    {
        if (0 == header)
        {
            return false;
        }
        view.wrap(dataAddress(header), Block.size(header));
        return true;
    }

    private static void checkParent(final long parent)
    {
        if (0 == parent)
        {
            throw new IllegalArgumentException("parent must be non-zero: 0");
        }
    }

    private void checkParent(final Object parent)
    {
        if (null == parent)
        {
            throw new NullPointerException("parent must not be null");
        }
        if (checked && (parent instanceof Long || parent instanceof Integer))
        {
            throw new IllegalArgumentException("boxed " + parent.getClass().getSimpleName() + " parent " + parent +
                " selects the object-parent overloads (identity of the box); pass a primitive long");
        }
    }

    private void checkSize(final int size)
    {
        if (size < 0 || size > maxSize)
        {
            throw new IllegalArgumentException(size < 0 ?
                "size must be >= 0: " + size : "size must be <= " + maxSize + " (the store's maximum): " + size);
        }
    }

    private record Snapshot(
        long liveVariables,
        long liveBytes,
        long reservedBytes,
        long pendingFreeBytes,
        long duplicateAllocs,
        long failedAllocs,
        long collectedVariables) implements ShadowStats
    {
    }

    /**
     * Options for a {@link ShadowStore}. Every setter returns this builder; bad values throw
     * {@link IllegalArgumentException} naming the option and the value. Not thread-safe.
     */
    public static final class Builder
    {
        private int initialCapacity = 1024;
        private long maxMemory = Long.MAX_VALUE;
        private int alignment = 8;
        private Reclamation reclamation = Reclamation.EPOCH;
        private boolean checked;
        private int maxSize = 1 << 30;
        private int segments = defaultSegments();
        private int regionShift = ShadowTable.REGION_SHIFT;
        private boolean weakObjectParents;
        private ShadowDtor onParentCollected;

        private Builder()
        {
        }

        /**
         * The default segment count: 64 per available processor, as a power of two in [16, 256]
         * (128 on two processors). Nearby long parents share a segment (one per 16 KiB region of
         * addresses) and the regions of one 4 MiB chunk share a group of 16 segments, so there
         * must be many more segments than writers for the chunks that different threads work on
         * to fall on different groups. A segment costs about 1.4 KiB of heap while unused.
         *
         * @return the count a builder starts with.
         */
        public static int defaultSegments()
        {
            final int wanted = Math.max(16, Math.min(256, 64 * Runtime.getRuntime().availableProcessors()));
            return Integer.highestOneBit(wanted - 1) << 1;
        }

        /**
         * How many segments the store is split into. Writers on parents of different segments
         * never wait for each other; {@code freeAll}, {@code stats()}, {@code reader()} and
         * {@code close()} take every segment's lock. 1 gives one store-wide lock. Default
         * {@link #defaultSegments()}.
         *
         * @param segments a power of two from 1 to 1024.
         * @return this builder.
         */
        public Builder segments(final int segments)
        {
            if (segments < 1 || segments > 1024 || Integer.bitCount(segments) != 1)
            {
                throw new IllegalArgumentException("segments must be a power of two in [1, 1024]: " + segments);
            }
            this.segments = segments;
            return this;
        }

        /**
         * The size of the address regions whose long parents share a segment. Regions are placed
         * in two levels: the 256 regions of a chunk (4 MiB with the default) share a group of 16
         * segments, chosen by hashing the chunk, and a chunk's consecutive regions go to
         * different members of the group. Threads that allocate from chunks of their own (a
         * per-thread arena) therefore write to groups of their own, while a small pool that
         * several threads share still spreads over a group's 16 locks. The slot inside a segment
         * always comes from the whole key, so neighbouring parents never cluster. Object parents
         * are unaffected (their segment comes from the identity hash). Default 16 KiB, which
         * suits both cases; a larger region makes a chunk larger too.
         *
         * @param bytes a power of two from 1 to 2^40.
         * @return this builder.
         */
        public Builder regionSize(final long bytes)
        {
            if (bytes < 1 || bytes > (1L << 40) || Long.bitCount(bytes) != 1)
            {
                throw new IllegalArgumentException("regionSize must be a power of two in [1, 2^40]: " + bytes);
            }
            this.regionShift = Long.numberOfTrailingZeros(bytes);
            return this;
        }

        /**
         * How many variables the table holds before it first grows. Default 1024. The table's slots
         * live on the heap, 8 bytes each, a power of two per segment with the entries at most 60%
         * of it (2^26 entries take 1 GiB): {@link #build()} rejects a capacity whose slots do not
         * fit in the heap.
         *
         * @param initialCapacity from 1.
         * @return this builder.
         */
        public Builder initialCapacity(final int initialCapacity)
        {
            if (initialCapacity < 1 || initialCapacity > (1 << 29))
            {
                throw new IllegalArgumentException("initialCapacity must be in [1, 2^29]: " + initialCapacity);
            }
            this.initialCapacity = initialCapacity;
            return this;
        }

        /**
         * Cap on native memory the store may hold (slabs, large blocks and the table). Allocations
         * that would exceed it return 0. Default: no cap. With a cap, every freed block goes back
         * to its segment's allocator; without one, a thread keeps up to 16 blocks per size class
         * that it freed while no reader was registered, for its own next allocations.
         *
         * @param bytes the cap, greater than 0.
         * @return this builder.
         */
        public Builder maxMemory(final long bytes)
        {
            if (bytes <= 0)
            {
                throw new IllegalArgumentException("maxMemory must be > 0: " + bytes);
            }
            this.maxMemory = bytes;
            return this;
        }

        /**
         * Alignment of every data address. Default 8; 64 keeps two variables off one cache line.
         *
         * @param alignment a power of two from 8 to 4096.
         * @return this builder.
         */
        public Builder alignment(final int alignment)
        {
            if (alignment < 8 || alignment > 4096 || Integer.bitCount(alignment) != 1)
            {
                throw new IllegalArgumentException("alignment must be a power of two in [8, 4096]: " + alignment);
            }
            this.alignment = alignment;
            return this;
        }

        /**
         * How freed memory waits for readers. Default {@link Reclamation#EPOCH}.
         *
         * @param reclamation the mode.
         * @return this builder.
         * @throws IllegalArgumentException when null (a bad option, as every other).
         */
        public Builder reclamation(final Reclamation reclamation)
        {
            if (null == reclamation)
            {
                throw new IllegalArgumentException("reclamation must be EPOCH, QSBR or NONE: null");
            }
            this.reclamation = reclamation;
            return this;
        }

        /**
         * Checked mode, for tests: poison reclaimed memory and detect writes after free, make a
         * reader handle used from another thread or outside its protocol fail loudly, and reject a
         * boxed {@code Long}/{@code Integer} given as an object parent.
         *
         * @param checked whether to check.
         * @return this builder.
         */
        public Builder checked(final boolean checked)
        {
            this.checked = checked;
            return this;
        }

        /**
         * The largest size one variable may ask for; larger sizes are rejected with
         * {@link IllegalArgumentException}. Default 1 GiB (and never more than {@code maxMemory}).
         *
         * @param maxSize from 0.
         * @return this builder.
         */
        public Builder maxSize(final int maxSize)
        {
            if (maxSize < 0)
            {
                throw new IllegalArgumentException("maxSize must be >= 0: " + maxSize);
            }
            this.maxSize = maxSize;
            return this;
        }

        /**
         * Hold object parents weakly (contract rule 11): the store does not keep them reachable,
         * and once the garbage collector has collected one, its variables are freed as by
         * {@code free} (see {@link ShadowStore#expungeCollected()}), in bounded batches by writers
         * and {@code stats()}, or all at once by {@code expungeCollected()}; never by {@code get}.
         * {@code get} stays lock-free and allocation-free and compares with
         * {@link java.lang.ref.Reference#refersTo(Object)}, so it never makes a parent strongly
         * reachable again. One weak reference per parent, whatever its number of variables. Long
         * parents are unaffected. Default false: the store keeps object parents reachable until
         * their variables are freed.
         *
         * <p>Pooled objects (Netty's pooled {@code ByteBuf}, Agrona flyweights) are recycled, never
         * collected while their pool lives: key those on their address, not weakly.
         *
         * @param weak whether object parents are held weakly.
         * @return this builder.
         */
        public Builder weakObjectParents(final boolean weak)
        {
            this.weakObjectParents = weak;
            return this;
        }

        /**
         * A callback run on each variable freed because its object parent was collected: after
         * the variable is unlinked and before its memory is retired, on the thread that expunges
         * (a writer, {@code stats()} or {@code expungeCollected()}), while that thread holds no
         * lock of the store. It sees {@code parentObject()} null, {@code parent()} 0 and the data
         * intact. As in a destructor, only {@code get} may be called on the store from inside it
         * (other calls throw {@link IllegalStateException}). An exception it throws is rethrown by
         * {@code expungeCollected()} after all are freed, and logged as a warning when a writer or
         * {@code stats()} expunged. Needs {@link #weakObjectParents(boolean) weakObjectParents(true)}.
         *
         * @param dtor the callback; null for none (the default).
         * @return this builder.
         */
        public Builder onParentCollected(final ShadowDtor dtor)
        {
            this.onParentCollected = dtor;
            return this;
        }

        /**
         * Build the store.
         *
         * @return a new store.
         * @throws IllegalArgumentException when maxMemory is too small for the initial table, or
         *                                  when onParentCollected is set without
         *                                  weakObjectParents(true), or when the initial table's slots
         *                                  (8 bytes each, on the heap) do not fit in the JVM's heap.
         */
        public ShadowStore build()
        {
            if (null != onParentCollected && !weakObjectParents)
            {
                throw new IllegalArgumentException(
                    "onParentCollected needs weakObjectParents(true): weakObjectParents is false");
            }
            final CollectedParents collected = weakObjectParents ? new CollectedParents(onParentCollected) : null;
            final int perSegment = Math.max(1, (initialCapacity + segments - 1) / segments);
            final long slots = (long)segments * ShadowTable.capacityFor(perSegment);
            final long tableBytes = slots * 8;
            if (tableBytes > maxMemory)
            {
                throw new IllegalArgumentException("maxMemory must be at least " + tableBytes + " bytes for the " +
                    "initial table (" + slots + " slots in " + segments + " segments for initialCapacity " +
                    initialCapacity + "): " + maxMemory);
            }
            final long heap = Runtime.getRuntime().maxMemory();
            if (tableBytes > heap)
            {
                throw new IllegalArgumentException("initialCapacity needs a table of " + slots + " slots (" +
                    tableBytes + " bytes of heap), more than the JVM's maximum heap of " + heap + " bytes: " +
                    initialCapacity);
            }
            final SizeClasses classes = new SizeClasses(alignment);
            final NativeArena arena = new NativeArena(alignment, maxMemory);
            final Reclaimer reclaimer = new Reclaimer(reclamation, checked);
            // Per-thread caches of freed blocks only without a memory cap: at the cap a block kept
            // by one thread could not serve another. Checked mode poisons every block instead.
            final CallbackGuard guard = new CallbackGuard(classes.count(), !checked && Long.MAX_VALUE == maxMemory);
            final Segment[] parts = new Segment[segments];
            try
            {
                for (int i = 0; i < segments; i++)
                {
                    parts[i] = new Segment(perSegment, classes, arena, reclaimer, guard, checked, collected);
                }
                for (int i = 0; i < segments; i++)
                {
                    parts[i].join(parts, i);
                }
            }
            catch (final RuntimeException ex)
            {
                arena.close();
                throw ex;
            }
            catch (final OutOfMemoryError ex)
            {
                // Below the maximum heap, but not free now: the option cannot be met in this JVM.
                arena.close();
                throw new IllegalArgumentException("initialCapacity needs a table of " + slots + " slots (" +
                    tableBytes + " bytes of heap), which the heap cannot hold now: " + initialCapacity, ex);
            }
            return new ShadowStore(this, parts, arena, reclaimer, guard, collected, classes.dataOffset());
        }
    }
}
