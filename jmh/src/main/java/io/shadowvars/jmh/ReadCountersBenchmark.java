package io.shadowvars.jmh;

import io.shadowvars.ShadowCounters;
import io.shadowvars.ShadowStats;
import io.shadowvars.ShadowStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reading a store's counters: {@code readCounters} into a caller's holder (no lock, 0 B/op with
 * {@code -prof gc}) beside {@code stats()} (every segment's lock and a new snapshot). The store
 * holds 1,000 variables; nothing else runs.
 */
@State(Scope.Thread)
public class ReadCountersBenchmark extends BenchmarkBase
{
    private ShadowStore store;
    private final ShadowCounters counters = new ShadowCounters();

    /** A store with 1,000 variables. */
    @Setup(Level.Trial)
    public void setUp()
    {
        store = ShadowStore.create();
        final long[] parents = Keys.longParents(1_000);
        for (final long parent : parents)
        {
            store.alloc(parent, Keys.ID, 16);
        }
    }

    /** Give the store's memory back. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        store.close();
    }

    /**
     * The lock-free read into a reused holder.
     *
     * @return the live count.
     */
    @Benchmark
    public long readCounters()
    {
        return store.readCounters(counters).liveVariables();
    }

    /**
     * The consistent snapshot.
     *
     * @return the live count.
     */
    @Benchmark
    public long stats()
    {
        final ShadowStats stats = store.stats();
        return stats.liveVariables();
    }
}
