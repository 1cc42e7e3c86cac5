package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * get miss at 1M long-parent variables: look up parents that hold no variable (the next
 * {@code size} 64-byte-aligned addresses after the present ones), in random order.
 */
@State(Scope.Thread)
public class GetMissBenchmark extends LongTableState
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

    @Override
    protected void verify()
    {
        if (table.read(absent(0), Keys.ID) != Long.MIN_VALUE)
        {
            throw new IllegalStateException(impl + " found a variable that was never added");
        }
    }

    private long absent(final int index)
    {
        return parents[index] + 64L * size;
    }

    /**
     * One lookup of an absent key.
     *
     * @return {@link Long#MIN_VALUE}.
     */
    @Benchmark
    public long getMiss()
    {
        return table.read(absent(nextIndex()), Keys.ID);
    }
}
