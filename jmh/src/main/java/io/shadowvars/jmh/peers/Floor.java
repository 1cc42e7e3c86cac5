package io.shadowvars.jmh.peers;

import io.shadowvars.jmh.LongSideTable;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The memory floor: a read of 8 bytes at a hashed position in a region, with no table at all.
 * Only {@link #read} is meaningful.
 */
public final class Floor implements LongSideTable
{
    private final UnsafeBuffer region;
    private final long address;
    private final long mask;

    /** @param bytes region size, a power of two. */
    public Floor(final int bytes)
    {
        region = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(bytes));
        for (int i = 0; i < bytes; i += 8)
        {
            region.putLong(i, i);
        }
        address = region.addressOffset();
        mask = (bytes - 1) & ~7L;
    }

    @Override
    public long read(final long parent, final long id)
    {
        final long h = parent * 0x9E3779B97F4A7C15L;
        return UnsafeApi.getLong(address + ((h ^ (h >>> 29)) & mask));
    }

    @Override
    public boolean put(final long parent, final long id, final long value)
    {
        throw new UnsupportedOperationException("the floor only reads");
    }

    @Override
    public long readOrCreate(final long parent, final long id)
    {
        return read(parent, id);
    }

    @Override
    public boolean remove(final long parent, final long id)
    {
        throw new UnsupportedOperationException("the floor only reads");
    }

    @Override
    public int removeAll(final long id)
    {
        throw new UnsupportedOperationException("the floor only reads");
    }

    @Override
    public void close()
    {
        BufferUtil.free(region.byteBuffer());
    }
}
