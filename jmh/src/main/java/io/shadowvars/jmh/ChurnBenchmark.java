package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * free + alloc churn at 1M long-parent variables: free a random live variable and attach it again
 * (a buffer going back to the pool and coming out again), so the live count stays at 1M.
 * {@code churn} re-attaches with alloc, {@code churnGetOrAlloc} with getOrAlloc (a miss).
 */
@State(Scope.Thread)
public class ChurnBenchmark extends LongTableState
{
    /** Live variables. */
    @Param({"1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "shadowvars-QSBR", "shadowvars-NONE", "agrona", "chm-record", "chm-long",
        "chronicle-map"})
    public String impl;

    @Override
    protected int size()
    {
        return size;
    }

    @Override
    protected String impl()
    {
        return impl;
    }

    @Override
    protected void verify()
    {
        for (final long parent : parents)
        {
            if (table.read(parent, Keys.ID) == Long.MIN_VALUE)
            {
                throw new IllegalStateException(impl + " lost a variable during churn");
            }
        }
    }

    /**
     * Free one variable and alloc it again.
     *
     * @return whether the alloc succeeded.
     */
    @Benchmark
    public boolean churn()
    {
        final long parent = nextParent();
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
        final long parent = nextParent();
        table.remove(parent, Keys.ID);
        return table.readOrCreate(parent, Keys.ID);
    }
}
