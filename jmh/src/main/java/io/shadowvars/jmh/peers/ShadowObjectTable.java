package io.shadowvars.jmh.peers;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowStore;
import io.shadowvars.jmh.Keys;
import io.shadowvars.jmh.ObjectSideTable;
import org.agrona.UnsafeApi;

/** The library under test, object parents: held strongly (the default) or weakly. */
public final class ShadowObjectTable implements ObjectSideTable
{
    private final ShadowStore store;

    /**
     * @param reclamation reclamation mode.
     * @param capacity    expected number of variables.
     */
    public ShadowObjectTable(final Reclamation reclamation, final int capacity)
    {
        this(reclamation, capacity, false);
    }

    /**
     * @param reclamation reclamation mode.
     * @param capacity    expected number of variables.
     * @param weak        whether the store holds its parents weakly ({@code weakObjectParents}).
     */
    public ShadowObjectTable(final Reclamation reclamation, final int capacity, final boolean weak)
    {
        store = ShadowStore.builder().reclamation(reclamation).initialCapacity(capacity).weakObjectParents(weak).build();
    }

    @Override
    public boolean put(final Keys.Parent parent, final long id, final long value)
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
    public long read(final Keys.Parent parent, final long id)
    {
        final long address = store.get(parent, id);
        return address == 0 ? Long.MIN_VALUE : UnsafeApi.getLong(address);
    }

    @Override
    public boolean remove(final Keys.Parent parent, final long id)
    {
        return store.free(parent, id);
    }

    @Override
    public void close()
    {
        store.close();
    }
}
