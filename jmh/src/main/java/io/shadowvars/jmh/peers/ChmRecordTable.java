package io.shadowvars.jmh.peers;

import io.shadowvars.jmh.LongSideTable;
import java.util.concurrent.ConcurrentHashMap;

/** {@code ConcurrentHashMap<Key(parent, id), long[]>}: the common concurrent side table. */
public final class ChmRecordTable implements LongSideTable
{
    /**
     * The key.
     *
     * @param parent parent.
     * @param id     id.
     */
    public record Key(long parent, long id)
    {
    }

    private final ConcurrentHashMap<Key, long[]> map;

    /** @param capacity expected number of records. */
    public ChmRecordTable(final int capacity)
    {
        map = new ConcurrentHashMap<>(capacity);
    }

    @Override
    public boolean put(final long parent, final long id, final long value)
    {
        final long[] record = new long[2];
        record[0] = value;
        return map.putIfAbsent(new Key(parent, id), record) == null;
    }

    @Override
    public long read(final long parent, final long id)
    {
        final long[] record = map.get(new Key(parent, id));
        return record == null ? Long.MIN_VALUE : record[0];
    }

    @Override
    public long readOrCreate(final long parent, final long id)
    {
        return map.computeIfAbsent(new Key(parent, id), k -> new long[2])[0];
    }

    @Override
    public boolean remove(final long parent, final long id)
    {
        return map.remove(new Key(parent, id)) != null;
    }

    @Override
    public int removeAll(final long id)
    {
        final int before = map.size();
        map.keySet().removeIf(k -> k.id() == id);
        return before - map.size();
    }

    @Override
    public void close()
    {
        map.clear();
    }
}
