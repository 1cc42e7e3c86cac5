package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** free + alloc churn at 1M object-parent variables. */
@State(Scope.Thread)
public class ChurnObjectBenchmark extends BenchmarkBase
{
    /** Live variables. */
    @Param({"1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "shadowvars-NONE", "weak", "sync-identity", "netty", "field"})
    public String impl;

    private ObjectSideTable table;
    private Keys.Parent[] parents;
    private int[] order;
    private int mask;
    private int cursor;

    /** Build and fill the table. */
    @Setup(Level.Trial)
    public void setUp()
    {
        parents = Keys.objectParents(size);
        order = Keys.visitOrder(size, Keys.pow2(size), SEED);
        mask = order.length - 1;
        table = Impls.objectTable(impl, parents);
        Impls.fill(table, parents);
    }

    /** Check every variable is still there, and release the table. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        for (final Keys.Parent parent : parents)
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
        final Keys.Parent parent = parents[order[cursor++ & mask]];
        table.remove(parent, Keys.ID);
        return table.put(parent, Keys.ID, 7);
    }
}
