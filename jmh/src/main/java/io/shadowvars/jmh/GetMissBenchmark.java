package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * get miss at 1M long-parent variables: look up parents that hold no variable (as many absent
 * parents as present ones, interleaved with them in address order).
 */
@State(Scope.Thread)
public class GetMissBenchmark extends BenchmarkBase
{
    /** Live variables. */
    @Param({"1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "agrona", "chm-record", "chronicle-map"})
    public String impl;

    private LongSideTable table;
    private long[] absent;
    private int[] order;
    private int mask;
    private int cursor;

    /** Fill the table with even parents; the odd ones are the misses. */
    @Setup(Level.Trial)
    public void setUp()
    {
        final long[] all = Keys.longParents(2 * size);
        final long[] present = new long[size];
        absent = new long[size];
        for (int i = 0; i < size; i++)
        {
            present[i] = all[2 * i];
            absent[i] = all[2 * i + 1];
        }
        order = Keys.visitOrder(size, Keys.pow2(size), SEED);
        mask = order.length - 1;
        table = Impls.longTable(impl, size);
        Impls.fill(table, present);
    }

    /** Check that misses missed, and release the table. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (table.read(absent[0], Keys.ID) != Long.MIN_VALUE)
        {
            throw new IllegalStateException(impl + " found a variable that was never added");
        }
        table.close();
    }

    /**
     * One lookup of an absent key.
     *
     * @return {@link Long#MIN_VALUE}.
     */
    @Benchmark
    public long getMiss()
    {
        return table.read(absent[order[cursor++ & mask]], Keys.ID);
    }
}
