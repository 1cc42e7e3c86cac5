package io.shadowvars.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * get hit, object parents: the record of a present {@code <parent object, id>}, parents visited
 * in random order. {@code field} is the floor: the record as a field of the parent.
 */
@State(Scope.Thread)
public class GetHitObjectBenchmark extends BenchmarkBase
{
    /** Live variables. */
    @Param({"1000", "1000000"})
    public int size;

    /** Implementation. */
    @Param({"shadowvars", "weak", "sync-identity", "netty", "field"})
    public String impl;

    private ObjectSideTable table;
    private Keys.Parent[] parents;
    private int[] order;
    private int mask;
    private int cursor;

    /** Build and fill the table. */
    @Setup(Level.Trial)
    public void setUp()
    {
        parents = Keys.objectParents(size);
        order = Keys.visitOrder(size, Keys.pow2(size), SEED);
        mask = order.length - 1;
        table = Impls.objectTable(impl, parents);
        Impls.fill(table, parents);
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
