package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the object-parent benchmarks share: {@code size()} parent objects, a random visiting order
 * over them, and the table of the benchmark's {@code impl}, filled with one variable per parent.
 */
public abstract class ObjectTableState extends BenchmarkBase
{
    /** The table under test. */
    protected ObjectSideTable table;
    /** The parents. */
    protected Keys.Parent[] parents;
    private int[] order;
    private int mask;
    private int cursor;

    /** @return the number of live variables. */
    protected abstract int size();

    /** @return the implementation's name. */
    protected abstract String impl();

    /** Build the parents, the order and the filled table. */
    @Setup(Level.Trial)
    public void setUpTable()
    {
        parents = Keys.objectParents(size());
        order = Keys.visitOrder(size(), Keys.pow2(size()), SEED);
        mask = order.length - 1;
        table = Impls.objectTable(impl(), parents);
        Impls.fill(table, parents);
    }

    /** Check what the benchmark left behind, then release the table. */
    @TearDown(Level.Trial)
    public void tearDownTable()
    {
        try
        {
            verify();
        }
        finally
        {
            table.close();
        }
    }

    /** A check run before the table is released; none by default. */
    protected void verify()
    {
    }

    /**
     * The next parent in the random visiting order.
     *
     * @return a parent.
     */
    protected final Keys.Parent nextParent()
    {
        return parents[order[cursor++ & mask]];
    }
}
