package io.shadowvars.jmh.peers;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowStore;
import io.shadowvars.jmh.Keys;
import io.shadowvars.jmh.LongSideTable;
import org.agrona.UnsafeApi;

/** The library under test, long parents. */
public final class ShadowLongTable implements LongSideTable
{
    private final ShadowStore store;

    /**
     * @param reclamation reclamation mode.
     * @param capacity    expected number of variables.
     */
    public ShadowLongTable(final Reclamation reclamation, final int capacity)
    {
        store = ShadowStore.builder().reclamation(reclamation).initialCapacity(capacity).build();
    }

    /**
     * @param reclamation reclamation mode.
     * @param capacity    expected number of variables.
     * @param segments    segment count (1: one store-wide write lock).
     */
    public ShadowLongTable(final Reclamation reclamation, final int capacity, final int segments)
    {
        store = ShadowStore.builder().reclamation(reclamation).initialCapacity(capacity).segments(segments).build();
    }

    /**
     * @param reclamation reclamation mode.
     * @param capacity    expected number of variables.
     * @param regionSize  bytes of address space whose parents share a segment ({@code regionSize}).
     */
    public ShadowLongTable(final Reclamation reclamation, final int capacity, final long regionSize)
    {
        store = ShadowStore.builder().reclamation(reclamation).initialCapacity(capacity).regionSize(regionSize).build();
    }

    /** @return the store, for benchmarks that need reader sections or stats. */
    public ShadowStore store()
    {
        return store;
    }

    @Override
    public boolean put(final long parent, final long id, final long value)
    {
        final long address = store.alloc(parent, id, Keys.RECORD_SIZE);
        if (address == 0)
        {
            return false;
        }
        UnsafeApi.putLong(address, value);
        return true;
    }

    @Override
    public long read(final long parent, final long id)
    {
        final long address = store.get(parent, id);
        return address == 0 ? Long.MIN_VALUE : UnsafeApi.getLong(address);
    }

    @Override
    public long readOrCreate(final long parent, final long id)
    {
        return UnsafeApi.getLong(store.getOrAlloc(parent, id, Keys.RECORD_SIZE));
    }

    @Override
    public boolean remove(final long parent, final long id)
    {
        return store.free(parent, id);
    }

    @Override
    public int removeAll(final long id)
    {
        return store.freeAll(id);
    }

    @Override
    public void close()
    {
        store.close();
    }
}
