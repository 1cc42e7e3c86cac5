package io.shadowvars.jmh.peers;

import io.shadowvars.jmh.LongSideTable;
import org.jctools.maps.NonBlockingHashMapLong;

/**
 * JCTools' {@code NonBlockingHashMapLong<long[]>} (Cliff Click's lock-free hash map with primitive
 * keys), one map per id: the key is the parent, unboxed, and each record a new {@code long[2]}.
 */
public final class NbhmlLongTable implements LongSideTable
{
    private final NonBlockingHashMapLong<long[]> map;
    private final long id;

    /**
     * @param capacity expected number of records.
     * @param id       the one id this table serves.
     */
    public NbhmlLongTable(final int capacity, final long id)
    {
        map = new NonBlockingHashMapLong<>(capacity);
        this.id = id;
    }

    private void check(final long id)
    {
        if (id != this.id)
        {
            throw new IllegalArgumentException("this peer serves id " + this.id + " only, not " + id);
        }
    }

    @Override
    public boolean put(final long parent, final long id, final long value)
    {
        check(id);
        final long[] record = new long[2];
        record[0] = value;
        return map.putIfAbsent(parent, record) == null;
    }

    @Override
    public long read(final long parent, final long id)
    {
        final long[] record = map.get(parent);
        return record == null ? Long.MIN_VALUE : record[0];
    }

    @Override
    public long readOrCreate(final long parent, final long id)
    {
        final long[] existing = map.get(parent);
        if (existing != null)
        {
            return existing[0];
        }
        final long[] created = new long[2];
        final long[] raced = map.putIfAbsent(parent, created);
        return (raced == null ? created : raced)[0];
    }

    @Override
    public boolean remove(final long parent, final long id)
    {
        return map.remove(parent) != null;
    }

    @Override
    public int removeAll(final long id)
    {
        check(id);
        final int removed = map.size();
        map.clear();
        return removed;
    }

    @Override
    public void close()
    {
        map.clear();
    }
}
