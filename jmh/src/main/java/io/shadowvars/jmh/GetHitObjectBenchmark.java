package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * get hit, object parents: the record of a present {@code <parent object, id>}, parents visited
 * in random order. {@code field} is the floor: the record as a field of the parent.
 */
@State(Scope.Thread)
public class GetHitObjectBenchmark extends ObjectTableState
{
    /** Live variables. */
    @Param({"1000", "1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "weak", "sync-identity", "netty", "field"})
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
