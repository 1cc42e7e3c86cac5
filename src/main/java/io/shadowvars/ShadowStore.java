package io.shadowvars;

import io.shadowvars.internal.Block;
import io.shadowvars.internal.WriteLock;
import io.shadowvars.internal.Memory;
import io.shadowvars.internal.alloc.SlabAllocator;
import io.shadowvars.internal.reclaim.Reclaimer;
import io.shadowvars.internal.table.ShadowTable;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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
 * writers and allocates nothing. {@code alloc}, {@code getOrAlloc} (when the variable is absent),
 * {@code free} and {@code freeAll} share one write lock, under which constructors and destructors
 * run. Data returned by {@code get} stays valid until the caller's own {@code free}; to use data
 * that another thread may free, use it inside a read section of a {@link ShadowReader} (the RCU
 * read lock of this store). With {@link Reclamation#NONE} the store must be used by one thread.
 * The store gives no mutual exclusion for what is written into shadow data.
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
 * parent; {@link IllegalStateException} for any call after {@link #close()} or a mutating call from
 * inside a constructor or destructor.
 */
public final class ShadowStore extends ShadowStorePadRhs implements AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger("io.shadowvars");

    // The fields get() reads (table, dataOffset, maxSize, checked) are in ShadowStoreReadFields,
    // padded away from these, which writers use.
    private final WriteLock lock = new WriteLock();
    private final Reclamation reclamation;
    private final SlabAllocator allocator;
    private final Reclaimer reclaimer;
    private final Callback callback = new Callback();

    // Guarded by lock.
    private boolean closed;
    private boolean inCallback;
    private long liveVariables;
    private long liveBytes;
    private long duplicateAllocs;
    private long failedAllocs;

    private ShadowStore(final Builder builder, final SlabAllocator allocator)
    {
        super(new ShadowTable(builder.initialCapacity, allocator), allocator.dataOffset(),
            (int)Math.min(builder.maxSize, builder.maxMemory), builder.checked);
        this.reclamation = builder.reclamation;
        this.allocator = allocator;
        this.reclaimer = new Reclaimer(reclamation, checked, allocator, lock);
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
        final long header = table.findLong(parent, id);
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
        return wrap(table.findLong(parent, id), view);
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
        final long hash = ShadowTable.hashLong(parent, id);
        lock.lock();
        try
        {
            checkWritable();
            final int index = table.indexOfLong(parent, id, hash);
            if (index >= 0)
            {
                return duplicate(parent, null, id);
            }
            return allocLocked(parent, null, id, hash, size, ctor, ctorData);
        }
        finally
        {
            lock.unlock();
        }
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
        final long found = table.findLong(parent, id);
        if (0 != found)
        {
            return dataAddress(found);
        }
        final long hash = ShadowTable.hashLong(parent, id);
        lock.lock();
        try
        {
            checkWritable();
            final int index = table.indexOfLong(parent, id, hash);
            if (index >= 0)
            {
                return dataAddress(table.headerAt(index));
            }
            return allocLocked(parent, null, id, hash, size, ctor, ctorData);
        }
        finally
        {
            lock.unlock();
        }
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
        final long hash = ShadowTable.hashLong(parent, id);
        lock.lock();
        try
        {
            checkWritable();
            final int index = table.indexOfLong(parent, id, hash);
            if (index < 0)
            {
                return false;
            }
            rethrow(freeAt(index, dtor, null));
            return true;
        }
        finally
        {
            lock.unlock();
        }
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
        lock.lock();
        try
        {
            checkWritable();
            final int capacity = table.capacity();
            final int mask = capacity - 1;
            int index = (table.emptyIndex() + 1) & mask;
            int visited = 0;
            int freed = 0;
            Throwable failure = null;
            while (visited < capacity)
            {
                final long header = table.headerAt(index);
                if (0 != header && Block.id(header) == id)
                {
                    // An entry of the same cluster may shift into 'index': look at it again.
                    failure = freeAt(index, dtor, failure);
                    freed++;
                    continue;
                }
                index = (index + 1) & mask;
                visited++;
            }
            rethrow(failure);
            return freed;
        }
        finally
        {
            lock.unlock();
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
        final long header = table.findObject(parent, id);
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
        return wrap(table.findObject(parent, id), view);
    }

    /**
     * {@link #alloc(long, long, int)} for an object parent. The store keeps the parent reachable
     * until the variable is freed.
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
        final long hash = ShadowTable.hashObject(parent, id);
        lock.lock();
        try
        {
            checkWritable();
            if (table.indexOfObject(parent, id, hash) >= 0)
            {
                return duplicate(0, parent, id);
            }
            return allocLocked(0, parent, id, hash, size, ctor, ctorData);
        }
        finally
        {
            lock.unlock();
        }
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
        final long found = table.findObject(parent, id);
        if (0 != found)
        {
            return dataAddress(found);
        }
        final long hash = ShadowTable.hashObject(parent, id);
        lock.lock();
        try
        {
            checkWritable();
            final int index = table.indexOfObject(parent, id, hash);
            if (index >= 0)
            {
                return dataAddress(table.headerAt(index));
            }
            return allocLocked(0, parent, id, hash, size, ctor, ctorData);
        }
        finally
        {
            lock.unlock();
        }
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
        final long hash = ShadowTable.hashObject(parent, id);
        lock.lock();
        try
        {
            checkWritable();
            final int index = table.indexOfObject(parent, id, hash);
            if (index < 0)
            {
                return false;
            }
            rethrow(freeAt(index, dtor, null));
            return true;
        }
        finally
        {
            lock.unlock();
        }
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
        lock.lock();
        try
        {
            checkOpen();
            return reclaimer.register();
        }
        finally
        {
            lock.unlock();
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
        lock.lock();
        try
        {
            checkOpen();
            // Two advances release everything retired so far, unless a reader still holds it.
            if (reclaimer.tryAdvance())
            {
                reclaimer.tryAdvance();
            }
            return new Snapshot(liveVariables, liveBytes, allocator.reservedBytes(), reclaimer.pendingBytes(),
                duplicateAllocs, failedAllocs);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The reclamation mode this store was built with.
     *
     * @return the mode.
     */
    public Reclamation reclamation()
    {
        return reclamation;
    }

    /**
     * The largest size a variable may be allocated with.
     *
     * @return the maximum size in bytes.
     */
    public int maxSize()
    {
        return maxSize;
    }

    /**
     * Free all native memory. No destructor runs. Idempotent. Every other call afterwards throws
     * {@link IllegalStateException}; the caller must make sure no other thread is using the store.
     */
    @Override
    public void close()
    {
        lock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;
            table.close();
            reclaimer.close();
            allocator.close();
            liveVariables = 0;
            liveBytes = 0;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * A short description of the store's state (takes the write lock, unless called from inside a
     * constructor or destructor, which already runs under it).
     *
     * @return a description.
     */
    @Override
    public String toString()
    {
        if (lock.isHeldByCurrentThread())
        {
            return describe();
        }
        lock.lock();
        try
        {
            return describe();
        }
        finally
        {
            lock.unlock();
        }
    }

    private String describe()
    {
        return "ShadowStore{reclamation=" + reclamation + ", live=" + liveVariables + ", liveBytes=" +
            liveBytes + ", reserved=" + allocator.reservedBytes() + ", closed=" + closed + "}";
    }

    // ------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------

    private boolean wrap(final long header, final UnsafeBuffer view)
    {
        if (0 == header)
        {
            return false;
        }
        view.wrap(dataAddress(header), Block.size(header));
        return true;
    }

    private <T> long allocLocked(
        final long parent,
        final Object parentObject,
        final long id,
        final long hash,
        final int size,
        final ShadowCtor<? super T> ctor,
        final T ctorData)
    {
        if (reclaimer.pendingBytes() > 0 && !allocator.hasFreeBlock(size))
        {
            // Let retired memory become reusable before carving new memory for this size.
            reclaimer.tryAdvance();
        }
        if (!table.ensureRoomForOne())
        {
            failedAllocs++;
            return 0;
        }
        final long header = allocator.allocate(size);
        if (0 == header)
        {
            failedAllocs++;
            return 0;
        }

        int ref = -1;
        if (null != parentObject)
        {
            ref = table.addRef(parentObject);
            Memory.putLong(header + Block.PARENT_OFFSET, ref);
            Memory.putInt(header + Block.FLAGS_OFFSET, Block.flags(header) | Block.OBJECT);
        }
        else
        {
            Memory.putLong(header + Block.PARENT_OFFSET, parent);
        }
        Memory.putLong(header + Block.ID_OFFSET, id);

        if (null != ctor)
        {
            final int result;
            inCallback = true;
            try
            {
                result = ctor.construct(callback.of(header), ctorData);
            }
            catch (final Throwable ex)
            {
                abandon(header, ref);
                throw ex;
            }
            finally
            {
                inCallback = false;
            }
            if (0 != result)
            {
                abandon(header, ref);
                return 0;
            }
        }

        table.insert(hash, header);
        liveVariables++;
        liveBytes += size;
        return dataAddress(header);
    }

    private void abandon(final long header, final int ref)
    {
        // Never published: no reader can hold it, so it is reusable at once.
        failedAllocs++;
        if (ref >= 0)
        {
            table.removeRef(ref);
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

    private Throwable freeAt(final int index, final ShadowDtor dtor, final Throwable earlier)
    {
        final long header = table.headerAt(index);
        table.removeAt(index);
        liveVariables--;
        liveBytes -= Block.size(header);

        Throwable failure = earlier;
        if (null != dtor)
        {
            inCallback = true;
            try
            {
                dtor.destroy(callback.of(header));
            }
            catch (final Throwable ex)
            {
                if (null == failure)
                {
                    failure = ex;
                }
                else if (failure != ex)
                {
                    failure.addSuppressed(ex);
                }
            }
            finally
            {
                inCallback = false;
            }
        }

        final int flags = Block.flags(header);
        allocator.markFreed(header);
        if ((flags & Block.OBJECT) != 0)
        {
            table.removeRef((int)Block.parent(header));
        }
        reclaimer.retire(header);
        return failure;
    }

    private static void rethrow(final Throwable failure)
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

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("ShadowStore is closed");
        }
    }

    private void checkWritable()
    {
        checkOpen();
        if (inCallback)
        {
            throw new IllegalStateException(
                "ShadowStore called from inside a ctor or dtor: only get() is allowed there");
        }
    }

    /** The flyweight handed to constructors and destructors; used under the write lock only. */
    private final class Callback implements ShadowVar
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        private long header;

        Callback of(final long header)
        {
            this.header = header;
            buffer.wrap(dataAddress(header), Block.size(header));
            return this;
        }

        @Override
        public long parent()
        {
            return (Block.flags(header) & Block.OBJECT) != 0 ? 0 : Block.parent(header);
        }

        @Override
        public Object parentObject()
        {
            return (Block.flags(header) & Block.OBJECT) != 0 ? table.ref((int)Block.parent(header)) : null;
        }

        @Override
        public long id()
        {
            return Block.id(header);
        }

        @Override
        public int size()
        {
            return Block.size(header);
        }

        @Override
        public long address()
        {
            return dataAddress(header);
        }

        @Override
        public MutableDirectBuffer data()
        {
            return buffer;
        }

        @Override
        public String toString()
        {
            return "ShadowVar{parent=" + (null != parentObject() ? parentObject() : "0x" + Long.toHexString(parent())) +
                ", id=0x" + Long.toHexString(id()) + ", size=" + size() + "}";
        }
    }

    private record Snapshot(
        long liveVariables,
        long liveBytes,
        long reservedBytes,
        long pendingFreeBytes,
        long duplicateAllocs,
        long failedAllocs) implements ShadowStats
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

        private Builder()
        {
        }

        /**
         * How many variables the table holds before it first grows. Default 1024.
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
         * that would exceed it return 0. Default: no cap.
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
         * @throws NullPointerException when null.
         */
        public Builder reclamation(final Reclamation reclamation)
        {
            this.reclamation = Objects.requireNonNull(reclamation, "reclamation");
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
         * Build the store.
         *
         * @return a new store.
         * @throws IllegalArgumentException when maxMemory is too small for the initial table.
         */
        public ShadowStore build()
        {
            return new ShadowStore(this, new SlabAllocator(alignment, maxMemory, checked));
        }
    }
}
