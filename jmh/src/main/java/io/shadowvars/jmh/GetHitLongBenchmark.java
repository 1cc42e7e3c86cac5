package io.shadowvars.jmh;

import io.shadowvars.jmh.peers.Floor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * get hit, long parents: look up a present {@code <parent, id>} in random order over the live
 * keys and read the first long of its record. {@code floor} is a random 8-byte read from a region
 * the size a table of that many keys would touch (64 MiB at 1M, 16 KiB at 1K).
 */
@State(Scope.Thread)
public class GetHitLongBenchmark extends LongTableState
{
    /** Live variables. */
    @Param({"1000", "1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "shadowvars-QSBR", "shadowvars-NONE", "agrona", "chm-record", "chm-long",
        "chronicle-map", "floor"})
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
    protected LongSideTable createTable()
    {
        return "floor".equals(impl) ? new Floor(size >= 1_000_000 ? 64 << 20 : 16 << 10) : super.createTable();
    }

    /**
     * One lookup and read.
     *
     * @return the record's first long.
     */
    @Benchmark
    public long get()
    {
        return table.read(nextParent(), Keys.ID);
    }
}
