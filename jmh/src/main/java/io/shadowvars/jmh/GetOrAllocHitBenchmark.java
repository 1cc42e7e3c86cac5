package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * getOrAlloc hit at 1M long-parent variables: the "get, else create" call on keys that exist
 * (for the maps: {@code computeIfAbsent} or get-then-put).
 */
@State(Scope.Thread)
public class GetOrAllocHitBenchmark extends LongTableState
{
    /** Live variables. */
    @Param({"1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "agrona", "chm-record", "chronicle-map"})
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

    /**
     * One getOrAlloc of a present key and a read of its record.
     *
     * @return the record's first long.
     */
    @Benchmark
    public long getOrAlloc()
    {
        return table.readOrCreate(nextParent(), Keys.ID);
    }
}
