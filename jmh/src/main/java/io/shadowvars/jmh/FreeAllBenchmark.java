package io.shadowvars.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * freeAll(id) over 1M variables: one call that drops every {@code <*, id>} (the kernel's
 * {@code klp_shadow_free_all} when a patch is removed). Each measurement is one call on a freshly
 * filled table, in milliseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4)
@Measurement(iterations = 8)
public class FreeAllBenchmark extends BenchmarkBase
{
    /** Live variables. */
    @Param({"1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "shadowvars-NONE", "agrona", "chm-record", "chronicle-map"})
    public String impl;

    private LongSideTable table;
    private long[] parents;
    private int freed;

    /** Build the table once. */
    @Setup(Level.Trial)
    public void setUp()
    {
        parents = Keys.longParents(size);
        table = Impls.longTable(impl, size);
    }

    /** Fill it before every call. */
    @Setup(Level.Iteration)
    public void fill()
    {
        Impls.fill(table, parents);
    }

    /** Check the call freed them all. */
    @TearDown(Level.Iteration)
    public void check()
    {
        if (freed != size)
        {
            throw new IllegalStateException(impl + " freed " + freed + " of " + size);
        }
    }

    /** Release the table. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        table.close();
    }

    /**
     * Free every variable of the id.
     *
     * @return how many were freed.
     */
    @Benchmark
    public int freeAll()
    {
        freed = table.removeAll(Keys.ID);
        return freed;
    }
}
