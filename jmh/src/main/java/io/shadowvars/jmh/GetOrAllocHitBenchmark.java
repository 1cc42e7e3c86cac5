package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * getOrAlloc hit at 1M long-parent variables: the "get, else create" call on keys that exist
 * (for the maps: {@code computeIfAbsent} or get-then-put).
 */
@State(Scope.Thread)
public class GetOrAllocHitBenchmark extends BenchmarkBase
{
    /** Live variables. */
    @Param({"1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "agrona", "chm-record", "chronicle-map"})
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

    /** Release the table. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        table.close();
    }

    /**
     * One getOrAlloc of a present key and a read of its record.
     *
     * @return the record's first long.
     */
    @Benchmark
    public long getOrAlloc()
    {
        return table.readOrCreate(parents[order[cursor++ & mask]], Keys.ID);
    }
}
