package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** free + alloc churn at 1M object-parent variables. */
@State(Scope.Thread)
public class ChurnObjectBenchmark extends ObjectTableState
{
    /** Live variables. */
    @Param({"1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "shadowvars-NONE", "weak", "sync-identity", "netty", "field"})
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
        for (final Keys.Parent parent : parents)
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
        final Keys.Parent parent = nextParent();
        table.remove(parent, Keys.ID);
        return table.put(parent, Keys.ID, 7);
    }
}
