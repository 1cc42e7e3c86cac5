package io.shadowvars.jmh.peers;

import io.shadowvars.jmh.LongSideTable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ConcurrentHashMap<Long, long[]>}, one map per id (as a user with one kind of metadata
 * writes it): the key is the boxed parent.
 */
public final class ChmLongTable implements LongSideTable
{
    private final ConcurrentHashMap<Long, long[]> map;
    private final long id;

    /**
     * @param capacity expected number of records.
     * @param id       the one id this table serves.
     */
    public ChmLongTable(final int capacity, final long id)
    {
        map = new ConcurrentHashMap<>(capacity);
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
        return map.computeIfAbsent(parent, k -> new long[2])[0];
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
