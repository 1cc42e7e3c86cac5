package io.shadowvars.jmh.peers;

import io.shadowvars.jmh.Keys;
import io.shadowvars.jmh.LongSideTable;
import org.agrona.BufferUtil;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The single-threaded baseline: Agrona's {@link Long2LongHashMap} from key to an offset in one
 * direct slab of 16-byte records, with a free stack of record offsets. No concurrency safety and no
 * safe reclamation: the speed to beat. The key folds the id into the parent's low bits (parents are
 * 64-byte aligned, ids are small).
 */
public final class AgronaSlabTable implements LongSideTable
{
    private static final long MISSING = -1;

    private final Long2LongHashMap map;
    private final UnsafeBuffer slab;
    private final int[] freeStack;
    private int freeTop;

    /** @param capacity the most records held at once. */
    public AgronaSlabTable(final int capacity)
    {
        map = new Long2LongHashMap(capacity, org.agrona.collections.Hashing.DEFAULT_LOAD_FACTOR, MISSING);
        slab = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(capacity * Keys.RECORD_SIZE));
        freeStack = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeStack[i] = (capacity - 1 - i) * Keys.RECORD_SIZE;
        }
        freeTop = capacity;
    }

    private static long key(final long parent, final long id)
    {
        return parent + id;
    }

    @Override
    public boolean put(final long parent, final long id, final long value)
    {
        final long key = key(parent, id);
        if (map.get(key) != MISSING || freeTop == 0)
        {
            return false;
        }
        final int offset = freeStack[--freeTop];
        slab.putLong(offset, value);
        slab.putLong(offset + 8, 0);
        map.put(key, offset);
        return true;
    }

    @Override
    public long read(final long parent, final long id)
    {
        final long offset = map.get(key(parent, id));
        return offset == MISSING ? Long.MIN_VALUE : slab.getLong((int)offset);
    }

    @Override
    public long readOrCreate(final long parent, final long id)
    {
        final long key = key(parent, id);
        long offset = map.get(key);
        if (offset == MISSING)
        {
            offset = freeStack[--freeTop];
            slab.putLong((int)offset, 0);
            slab.putLong((int)offset + 8, 0);
            map.put(key, offset);
        }
        return slab.getLong((int)offset);
    }

    @Override
    public boolean remove(final long parent, final long id)
    {
        final long offset = map.remove(key(parent, id));
        if (offset == MISSING)
        {
            return false;
        }
        freeStack[freeTop++] = (int)offset;
        return true;
    }

    @Override
    public int removeAll(final long id)
    {
        int removed = 0;
        final Long2LongHashMap.KeyIterator keys = map.keySet().iterator();
        while (keys.hasNext())
        {
            final long key = keys.nextValue();
            if ((key & 63) == id)
            {
                freeStack[freeTop++] = (int)map.get(key);
                keys.remove();
                removed++;
            }
        }
        return removed;
    }

    @Override
    public void close()
    {
        BufferUtil.free(slab.byteBuffer());
    }
}
