package io.shadowvars.jmh;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import io.shadowvars.jmh.peers.ShadowLongTable;
import org.agrona.UnsafeApi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What a read section costs: get plus a read of the data inside {@code enter()}/{@code exit()}
 * (EPOCH), or followed by {@code quiescent()} (QSBR), beside the same get with no section
 * ({@code get-without-section}): the report's ratio against that row is the section's cost
 * factor.
 */
@State(Scope.Thread)
public class ReaderSectionBenchmark extends LongTableState
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
        mode = "shadowvars".equals(impl) ? 0 : "shadowvars-QSBR".equals(impl) ? 1 : 2;
        final ShadowLongTable created = new ShadowLongTable(1 == mode ? Reclamation.QSBR : Reclamation.EPOCH, size);
        Impls.fill(created, parents);
        store = created.store();
        reader = store.reader();
        return created;
    }

    @Override
    protected void verify()
    {
        reader.close();
    }

    /**
     * One read in the way {@code impl} names.
     *
     * @return the record's first long.
     */
    @Benchmark
    public long get()
    {
        final long parent = nextParent();
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
