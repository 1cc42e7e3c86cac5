package io.shadowvars.jmh;

import io.shadowvars.jmh.peers.Floor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * get hit, long parents: look up a present {@code <parent, id>} in random order over the live
 * keys and read the first long of its record. {@code floor} is a random 8-byte read from a region
 * the size a table of that many keys would touch (64 MiB at 1M, 16 KiB at 1K).
 */
@State(Scope.Thread)
public class GetHitLongBenchmark extends BenchmarkBase
{
    /** Live variables. */
    @Param({"1000", "1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "shadowvars-QSBR", "shadowvars-NONE", "agrona", "chm-record", "chm-long",
        "chronicle-map", "floor"})
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
        if ("floor".equals(impl))
        {
            table = new Floor(size >= 1_000_000 ? 64 << 20 : 16 << 10);
        }
        else
        {
            table = Impls.longTable(impl, size);
            Impls.fill(table, parents);
        }
    }

    /** Release the table. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        table.close();
    }

    /**
     * One lookup and read.
     *
     * @return the record's first long.
     */
    @Benchmark
    public long get()
    {
        return table.read(parents[order[cursor++ & mask]], Keys.ID);
    }
}
