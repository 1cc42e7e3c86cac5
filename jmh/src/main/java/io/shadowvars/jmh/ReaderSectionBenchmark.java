package io.shadowvars.jmh;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import org.agrona.UnsafeApi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a read section costs: get plus a read of the data inside {@code enter()}/{@code exit()}
 * (EPOCH), or followed by {@code quiescent()} (QSBR), beside the same get with no section
 * ({@code get-without-section}): the report's ratio against that row is the section's cost
 * factor.
 */
@State(Scope.Thread)
public class ReaderSectionBenchmark extends BenchmarkBase
{
    /** Live variables. */
    @Param({"1000", "1000000"})
    public int size;

    /** shadowvars (EPOCH section), shadowvars-QSBR (quiescent after each get), get-without-section. */
    @Param({"shadowvars", "shadowvars-QSBR", "get-without-section"})
    public String impl;

    private ShadowStore store;
    private ShadowReader reader;
    private int mode;
    private long[] parents;
    private int[] order;
    private int mask;
    private int cursor;

    /** Build and fill the store; register this thread as a reader. */
    @Setup(Level.Trial)
    public void setUp()
    {
        store = ShadowStore.builder()
            .reclamation("shadowvars-QSBR".equals(impl) ? Reclamation.QSBR : Reclamation.EPOCH)
            .initialCapacity(size)
            .build();
        parents = Keys.longParents(size);
        order = Keys.visitOrder(size, Keys.pow2(size), SEED);
        mask = order.length - 1;
        for (int i = 0; i < size; i++)
        {
            UnsafeApi.putLong(store.alloc(parents[i], Keys.ID, Keys.RECORD_SIZE), i + 1);
        }
        reader = store.reader();
        mode = "shadowvars".equals(impl) ? 0 : "shadowvars-QSBR".equals(impl) ? 1 : 2;
    }

    /** Release the store. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        reader.close();
        store.close();
    }

    /**
     * One read in the way {@code impl} names.
     *
     * @return the record's first long.
     */
    @Benchmark
    public long get()
    {
        final long parent = parents[order[cursor++ & mask]];
        switch (mode)
        {
            case 0:
            {
                reader.enter();
                final long address = store.get(parent, Keys.ID);
                final long value = address == 0 ? Long.MIN_VALUE : UnsafeApi.getLong(address);
                reader.exit();
                return value;
            }
            case 1:
            {
                final long address = store.get(parent, Keys.ID);
                final long value = address == 0 ? Long.MIN_VALUE : UnsafeApi.getLong(address);
                reader.quiescent();
                return value;
            }
            default:
            {
                final long address = store.get(parent, Keys.ID);
                return address == 0 ? Long.MIN_VALUE : UnsafeApi.getLong(address);
            }
        }
    }
}
