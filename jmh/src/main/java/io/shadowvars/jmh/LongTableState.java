package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the long-parent benchmarks share: {@code size()} distinct parents, a random visiting order
 * over them, and the table of the benchmark's {@code impl}, filled with one variable per parent.
 * Subclasses declare the {@code size} and {@code impl} parameters (their values differ).
 */
public abstract class LongTableState extends BenchmarkBase
{
    /** The table under test. */
    protected LongSideTable table;
    /** The parents, in allocation order. */
    protected long[] parents;
    private int[] order;
    private int mask;
    private int cursor;

    /** @return the number of live variables. */
    protected abstract int size();

    /** @return the implementation's name. */
    protected abstract String impl();

    /**
     * The table for this benchmark; by default {@link Impls#longTable} filled with every parent.
     *
     * @return the table.
     */
    protected LongSideTable createTable()
    {
        final LongSideTable created = Impls.longTable(impl(), size());
        Impls.fill(created, parents);
        return created;
    }

    /** Build the parents, the order and the table. */
    @Setup(Level.Trial)
    public void setUpTable()
    {
        parents = Keys.longParents(size());
        order = Keys.visitOrder(size(), Keys.pow2(size()), SEED);
        mask = order.length - 1;
        table = createTable();
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
    protected final long nextParent()
    {
        return parents[order[cursor++ & mask]];
    }

    /**
     * The index of the next parent in the random visiting order.
     *
     * @return an index into {@link #parents}.
     */
    protected final int nextIndex()
    {
        return order[cursor++ & mask];
    }
}
