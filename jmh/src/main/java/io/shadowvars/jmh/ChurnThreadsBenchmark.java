package io.shadowvars.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Writers in parallel: free + alloc churn on disjoint parents with one thread ({@code churn1}) and
 * with two ({@code churn2}), total operations per microsecond. The table is shared; each thread
 * owns {@value #SPACE} parents of its own (64-byte-aligned, disjoint between threads) of which
 * {@value #LIVE} hold a 16-byte variable at any time, filled before the first iteration. An
 * operation frees the thread's oldest variable and allocates one on the parent after its newest,
 * so each thread's variables are a FIFO sliding over its parents: the table sees deletions and
 * insertions at different slots, as buffers cycling through a pool give it.
 *
 * <p>shadowvars is a store with EPOCH reclamation and no reader registered (freed blocks are
 * reusable at once); chm is {@code ConcurrentHashMap<Long, long[]>} and nbhml JCTools'
 * {@code NonBlockingHashMapLong<long[]>}, each with a new {@code long[2]} per allocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChurnThreadsBenchmark extends BenchmarkBase
{
    /** Variables each thread keeps live. */
    static final int LIVE = 65_536;
    /** Parents each thread owns: the live window slides over them. */
    static final int SPACE = 2 * LIVE;

    /** shadowvars (EPOCH), with one segment, with 1 MiB regions ({@code regionSize}), chm or nbhml. */
    @Param({"shadowvars", "shadowvars-1seg", "shadowvars-region1m", "chm", "nbhml"})
    public String impl;

    LongSideTable table;
    private final List<Owner> owners = new ArrayList<>();

    /**
     * Build the shared table, sized for every thread's live variables.
     *
     * @param benchmark the run's parameters (its thread count).
     */
    @Setup(Level.Trial)
    public void setUp(final BenchmarkParams benchmark)
    {
        table = Impls.concurrentLongTable(impl, benchmark.getThreads() * LIVE);
    }

    /**
     * Check that every thread's live window is exactly what the table holds, then release it. All
     * threads are out of the benchmark loop by then, so nothing races the checks.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            synchronized (owners)
            {
                for (final Owner owner : owners)
                {
                    owner.verify(table, impl);
                }
            }
        }
        finally
        {
            table.close();
        }
    }

    /** One thread's parents and the index of its oldest live variable. */
    @State(Scope.Thread)
    public static class Owner
    {
        long[] parents;
        int oldest;
        int thread;

        /**
         * Take this thread's parents and attach a variable to the first {@value #LIVE}.
         *
         * @param shared the shared table.
         * @param params the thread's index among the benchmark's threads.
         */
        @Setup(Level.Trial)
        public void setUp(final ChurnThreadsBenchmark shared, final ThreadParams params)
        {
            thread = params.getThreadIndex();
            parents = Keys.longParents(SPACE, (long)thread * SPACE);
            for (int i = 0; i < LIVE; i++)
            {
                if (!shared.table.put(parents[i], Keys.ID, parents[i]))
                {
                    throw new IllegalStateException(shared.impl + " refused pre-filling parent #" + i + " of thread " + thread);
                }
            }
            synchronized (shared.owners)
            {
                shared.owners.add(this);
            }
        }

        void verify(final LongSideTable table, final String impl)
        {
            for (int i = 0; i < SPACE; i++)
            {
                final long parent = parents[(oldest + i) & (SPACE - 1)];
                final long value = table.read(parent, Keys.ID);
                if (i < LIVE && value != parent)
                {
                    throw new IllegalStateException(impl + ": thread " + thread + " lost live variable #" + i +
                        " of its window (read " + value + ")");
                }
                if (i >= LIVE && value != Long.MIN_VALUE)
                {
                    throw new IllegalStateException(impl + ": thread " + thread + " has a variable on freed parent #" + i);
                }
            }
        }
    }

    boolean churn(final Owner owner)
    {
        final int oldest = owner.oldest++ & (SPACE - 1);
        final long[] parents = owner.parents;
        table.remove(parents[oldest], Keys.ID);
        final long fresh = parents[(oldest + LIVE) & (SPACE - 1)];
        return table.put(fresh, Keys.ID, fresh);
    }

    /**
     * Free this thread's oldest variable and allocate a new one, one thread.
     *
     * @param owner the thread's parents.
     * @return whether the allocation succeeded.
     */
    @Benchmark
    @Threads(1)
    public boolean churn1(final Owner owner)
    {
        return churn(owner);
    }

    /**
     * Free this thread's oldest variable and allocate a new one, two threads on one table.
     *
     * @param owner the thread's parents.
     * @return whether the allocation succeeded.
     */
    @Benchmark
    @Threads(2)
    public boolean churn2(final Owner owner)
    {
        return churn(owner);
    }
}
