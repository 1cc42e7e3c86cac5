package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * free + alloc churn at 1M long-parent variables: free a random live variable and attach it again
 * (a buffer going back to the pool and coming out again), so the live count stays at 1M.
 * {@code churn} re-attaches with alloc, {@code churnGetOrAlloc} with getOrAlloc (a miss).
 */
@State(Scope.Thread)
public class ChurnBenchmark extends BenchmarkBase
{
    /** Live variables. */
    @Param({"1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "shadowvars-QSBR", "shadowvars-NONE", "agrona", "chm-record", "chm-long",
        "chronicle-map"})
    public String impl;

    private LongSideTable table;
    private long[] parents;
    private int[] order;
    private int mask;
    private int cursor;

    /** Build and fill the table. */
    @Setup(Level.Trial)
    public void setUp()
    {
        parents = Keys.longParents(size);
        order = Keys.visitOrder(size, Keys.pow2(size), SEED);
        mask = order.length - 1;
        table = Impls.longTable(impl, size);
        Impls.fill(table, parents);
    }

    /** Check every variable is still there, and release the table. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        for (final long parent : parents)
        {
            if (table.read(parent, Keys.ID) == Long.MIN_VALUE)
            {
                throw new IllegalStateException(impl + " lost a variable during churn");
            }
        }
        table.close();
    }

    /**
     * Free one variable and alloc it again.
     *
     * @return whether the alloc succeeded.
     */
    @Benchmark
    public boolean churn()
    {
        final long parent = parents[order[cursor++ & mask]];
        table.remove(parent, Keys.ID);
        return table.put(parent, Keys.ID, parent);
    }

    /**
     * Free one variable and getOrAlloc it again.
     *
     * @return the new record's first long (0).
     */
    @Benchmark
    public long churnGetOrAlloc()
    {
        final long parent = parents[order[cursor++ & mask]];
        table.remove(parent, Keys.ID);
        return table.readOrCreate(parent, Keys.ID);
    }
}
