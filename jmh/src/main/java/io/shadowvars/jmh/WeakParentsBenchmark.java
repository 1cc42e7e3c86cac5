package io.shadowvars.jmh;

import io.shadowvars.ShadowStore;
import org.agrona.UnsafeApi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.SplittableRandom;
import java.util.WeakHashMap;

/**
 * Weak object parents (contract rule 11) beside {@link WeakHashMap}, the JDK's weak side table
 * (keyed on identity here: the parents do not override {@code equals}).
 * <ul>
 *   <li>{@code get}: a hit on one of {@code size} live parents, in a seeded random order
 *   (0 B/op expected for shadowvars with {@code -prof gc}).</li>
 *   <li>{@code churn}: attach a 16-byte record to a new parent that is dropped at once, so the
 *   table lives on collected parents being expunged (by the writers' batches for shadowvars, by
 *   {@code expungeStaleEntries} for WeakHashMap). Allocates by nature: the parent, and the weak
 *   reference per parent each table keeps.</li>
 * </ul>
 * Implementations: {@code shadowvars} (a store with {@code weakObjectParents(true)}),
 * {@code shadowvars-strong} (the default store; its churn frees each record explicitly, the
 * lifecycle weak parents replace), {@code weak} ({@code WeakHashMap<Object, long[]>}, unsynchronized: one thread).
 */
@State(Scope.Thread)
public class WeakParentsBenchmark extends BenchmarkBase
{
    /** Live parents for {@code get}. */
    @Param({"1000", "1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "shadowvars-strong", "weak"})
    public String impl;

    private ShadowStore store;
    private WeakHashMap<Object, long[]> map;
    private Keys.Parent[] parents;
    private int[] order;
    private int cursor;

    /** Build the table with {@code size} live parents. */
    @Setup(Level.Trial)
    public void setUp()
    {
        parents = new Keys.Parent[size];
        for (int i = 0; i < size; i++)
        {
            parents[i] = new Keys.Parent();
        }
        switch (impl)
        {
            case "shadowvars":
            case "shadowvars-strong":
                store = ShadowStore.builder().weakObjectParents("shadowvars".equals(impl)).initialCapacity(size).build();
                for (final Keys.Parent parent : parents)
                {
                    UnsafeApi.putLong(store.alloc(parent, Keys.ID, 16), 7);
                }
                break;
            case "weak":
                map = new WeakHashMap<>(size * 2);
                for (final Keys.Parent parent : parents)
                {
                    map.put(parent, new long[]{7, 0});
                }
                break;
            default:
                throw new IllegalArgumentException("unknown impl: " + impl);
        }
        order = new int[1 << 16];
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < order.length; i++)
        {
            order[i] = random.nextInt(size);
        }
    }

    /** Give the store's memory back. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (null != store)
        {
            store.close();
        }
    }

    /**
     * A hit on a live parent.
     *
     * @return the record's first long.
     */
    @Benchmark
    public long get()
    {
        final Keys.Parent parent = parents[order[cursor++ & (order.length - 1)]];
        if (null != store)
        {
            final long address = store.get(parent, Keys.ID);
            return 0 == address ? Long.MIN_VALUE : UnsafeApi.getLong(address);
        }
        final long[] record = map.get(parent);
        return null == record ? Long.MIN_VALUE : record[0];
    }

    /**
     * Attach a record to a parent that dies at once.
     *
     * @return whether the record was attached.
     */
    @Benchmark
    public boolean churn()
    {
        final Object parent = new Object();
        if (null != store)
        {
            final long address = store.alloc(parent, Keys.ID, 16);
            UnsafeApi.putLong(address, 7);
            // A strong store would keep every parent: it frees explicitly, as its users must.
            return 0 != address && (store.weakObjectParents() || store.free(parent, Keys.ID));
        }
        return null == map.put(parent, new long[]{7, 0});
    }
}
