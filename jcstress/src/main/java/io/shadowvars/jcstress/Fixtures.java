package io.shadowvars.jcstress;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import io.shadowvars.internal.table.ShadowTable;
import org.agrona.UnsafeApi;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the tests share: long-lived stores (jcstress makes millions of state objects, so most tests
 * use one store with a fresh key per state and free it in the arbiter), unique keys, per-thread
 * reader handles, and a constructor that stamps the data.
 */
final class Fixtures
{
    /** Checked EPOCH store: reclaimed memory is poisoned with 0x6B bytes. */
    static final ShadowStore EPOCH = ShadowStore.builder().reclamation(Reclamation.EPOCH).checked(true)
        .initialCapacity(1 << 16).build();
    /** Checked QSBR store. */
    static final ShadowStore QSBR = ShadowStore.builder().reclamation(Reclamation.QSBR).checked(true)
        .initialCapacity(1 << 16).build();

    static final ThreadLocal<ShadowReader> EPOCH_READER = ThreadLocal.withInitial(EPOCH::reader);
    static final ThreadLocal<ShadowReader> QSBR_READER = ThreadLocal.withInitial(QSBR::reader);

    /** Written by writers into data they own, so a reader that sees it read someone else's data. */
    static final long JUNK = 0x1111_2222_3333_4444L;

    /** A ctor that writes the parent into the first 8 bytes. */
    static final ShadowCtor<Object> STAMP_PARENT = (var, data) ->
    {
        var.data().putLong(0, var.parent());
        return 0;
    };

    private static final AtomicLong NEXT = new AtomicLong();

    private Fixtures()
    {
    }

    /** A parent no other state uses: 64-byte aligned, as buffer addresses are. */
    static long uniqueParent()
    {
        return 0x10_0000_0000L + NEXT.incrementAndGet() * 64;
    }

    /**
     * A parent no other state uses whose variables live in segment {@code segment} of a store of
     * {@code segments} segments ({@link ShadowTable#segmentOf(long, int)}, as the store computes it).
     */
    static long parentInSegment(final int segment, final int segments)
    {
        long parent;
        do
        {
            parent = uniqueParent();
        }
        while (ShadowTable.segmentOf(parent, segments) != segment);
        return parent;
    }

    /**
     * A parent no other state uses that shares {@code parent}'s segment in {@code store}: a block
     * freed on {@code parent} goes back to that segment's allocator, so only an allocation on the
     * same segment can be handed it.
     */
    static long parentInSegmentOf(final ShadowStore store, final long parent)
    {
        return parentInSegment(ShadowTable.segmentOf(parent, store.segments()), store.segments());
    }

    /** A free long id no other state uses. */
    static long uniqueId()
    {
        return 0x4000_0000L + NEXT.incrementAndGet();
    }

    static long read(final long address)
    {
        return UnsafeApi.getLong(address);
    }

    static void write(final long address, final long value)
    {
        UnsafeApi.putLong(address, value);
    }

    /**
     * The reader's half of the reuse tests: look the variable up, check its stamp, wait until the
     * writer has freed it, reallocated the size class and written junk (or a bound passes), and
     * check the stamp again. (1, 1) intact, (-1, -1) absent; anything else is a reuse.
     */
    static void readAcrossReuse(
        final ShadowStore store, final long parent, final java.util.concurrent.atomic.AtomicBoolean written,
        final org.openjdk.jcstress.infra.results.JJ_Result r)
    {
        final long address = store.get(parent, 1);
        if (0 == address)
        {
            r.r1 = -1;
            r.r2 = -1;
        }
        else
        {
            r.r1 = read(address) == parent ? 1 : 0;
            awaitBounded(written);
            r.r2 = read(address) == parent ? 1 : 0;
        }
    }

    /** The writer's half: free the variable, reallocate its size class, write junk, signal. */
    static void freeAndReuse(
        final ShadowStore store, final long parent, final long other, final java.util.concurrent.atomic.AtomicBoolean written)
    {
        store.free(parent, 1);
        write(store.alloc(other, 1, 16), JUNK);
        written.set(true);
    }

    /** Spin until the flag is set or a bound passes (actors may not overlap at all). */
    static void awaitBounded(final java.util.concurrent.atomic.AtomicBoolean flag)
    {
        for (int i = 0; i < 20_000 && !flag.get(); i++)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * {@code count} parents whose keys {@code <parent, id>} share one home slot in a table of
     * {@code capacity} slots, so they form one cluster in insertion order.
     */
    static long[] collidingParents(final int count, final int capacity, final long id)
    {
        return parentsWithHome(count, capacity, id, 3, 64);
    }

    /**
     * {@code count} parents from {@code from} on whose keys {@code <parent, id>} have home slot
     * {@code home} in a table of {@code capacity} slots.
     */
    static long[] parentsWithHome(final int count, final int capacity, final long id, final int home, final long from)
    {
        final List<Long> found = new ArrayList<>();
        for (long parent = from; found.size() < count; parent += 64)
        {
            if (((int)ShadowTable.hashLong(parent, id) & (capacity - 1)) == home)
            {
                found.add(parent);
            }
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * {@code count} new objects whose keys with {@code id} share home slot 3 of a table of
     * {@code capacity} slots (as {@link #collidingParents} for long parents), so that they form one
     * cluster with those.
     */
    static Object[] collidingObjects(final int count, final int capacity, final long id)
    {
        final List<Object> found = new ArrayList<>();
        while (found.size() < count)
        {
            final Object parent = new Object();
            if (((int)ShadowTable.hashObject(parent, id) & (capacity - 1)) == 3)
            {
                found.add(parent);
            }
        }
        return found.toArray();
    }

    private static final Field TABLES;
    private static final Field PARENTS;

    static
    {
        try
        {
            TABLES = Class.forName("io.shadowvars.ShadowStoreReadFields").getDeclaredField("tables");
            TABLES.setAccessible(true);
            PARENTS = Class.forName("io.shadowvars.internal.table.TableReadFields").getDeclaredField("parents");
            PARENTS.setAccessible(true);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /**
     * What the collector does to a one-segment weak store's reference of a dead parent: clear it
     * and queue it ({@link Reference#enqueue()}, as the reference handler does after a collection).
     * The parent itself stays reachable, so its identity hash stays valid for the test.
     */
    @SuppressWarnings("unchecked")
    static void collect(final ShadowStore store, final Object parent)
    {
        try
        {
            final Object table = ((Object[])TABLES.get(store))[0];
            for (final Object ref : (Object[])PARENTS.get(table))
            {
                if (ref instanceof Reference && ((Reference<Object>)ref).refersTo(parent))
                {
                    ((Reference<?>)ref).enqueue();
                    return;
                }
            }
        }
        catch (final IllegalAccessException ex)
        {
            throw new IllegalStateException(ex);
        }
        throw new IllegalStateException("no weak reference to the parent in the store");
    }
}
