package io.shadowvars.soak;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

/**
 * The per-variable pattern the soak writes into shadow data and checks on every read.
 *
 * <p>A variable's pattern comes from its 64-bit stamp: the stamp itself in the first eight bytes
 * (the head), {@code stamp + offset * STEP} in every later aligned long, and a byte derived the same
 * way in each tail byte. The stamp's upper half is a hash of the variable's key, its lower half is
 * random and never zero, so the head is never 0 once written and tells whose data it is. The head is
 * written last with a volatile store: a thread that reads a non-zero head with a volatile load sees
 * the whole pattern, which lets other threads check data they did not write.
 */
final class DataPattern
{
    private static final long STEP = 0x9E3779B97F4A7C15L;

    private DataPattern()
    {
    }

    /**
     * A stamp for a variable: the key's hash in the upper half, a non-zero random lower half.
     *
     * @param keyHash the key's 32-bit hash.
     * @param random  random bits.
     * @return the stamp, never 0.
     */
    static long stamp(final int keyHash, final int random)
    {
        return (long)keyHash << 32 | (random & 0xFFFF_FFFFL | 1L);
    }

    /**
     * The 32-bit hash a long-parent key's stamp carries.
     *
     * @param parent the parent.
     * @param id     the id.
     * @return the hash.
     */
    static int keyHash(final long parent, final long id)
    {
        long h = parent * STEP ^ id * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        h *= 0xFF51AFD7ED558CCDL;
        return (int)(h >>> 32);
    }

    /**
     * Write the pattern over the whole buffer, head last.
     *
     * @param data  the variable's data, exactly its size.
     * @param stamp the variable's stamp.
     */
    static void write(final MutableDirectBuffer data, final long stamp)
    {
        final int size = data.capacity();
        final int longs = size >= 8 ? size & ~7 : 0;
        for (int offset = 8; offset < longs; offset += 8)
        {
            data.putLong(offset, stamp + offset * STEP);
        }
        for (int offset = longs; offset < size; offset++)
        {
            data.putByte(offset, tailByte(stamp, offset));
        }
        if (longs > 0)
        {
            if (data instanceof AtomicBuffer)
            {
                ((AtomicBuffer)data).putLongVolatile(0, stamp);
            }
            else
            {
                data.putLong(0, stamp);
            }
        }
    }

    /**
     * Check the pattern over the whole buffer.
     *
     * @param data  the variable's data, exactly its size.
     * @param stamp the stamp it must carry.
     * @return -1 when intact, else the offset of the first wrong byte or long.
     */
    static int firstMismatch(final DirectBuffer data, final long stamp)
    {
        final int size = data.capacity();
        final int longs = size >= 8 ? size & ~7 : 0;
        if (longs > 0 && data.getLong(0) != stamp)
        {
            return 0;
        }
        for (int offset = 8; offset < longs; offset += 8)
        {
            if (data.getLong(offset) != stamp + offset * STEP)
            {
                return offset;
            }
        }
        for (int offset = longs; offset < size; offset++)
        {
            if (data.getByte(offset) != tailByte(stamp, offset))
            {
                return offset;
            }
        }
        return -1;
    }

    /**
     * Check that a buffer is all zero.
     *
     * @param data the data.
     * @return -1 when all zero, else the offset of the first non-zero byte or long.
     */
    static int firstNonZero(final DirectBuffer data)
    {
        final int size = data.capacity();
        final int longs = size & ~7;
        for (int offset = 0; offset < longs; offset += 8)
        {
            if (0 != data.getLong(offset))
            {
                return offset;
            }
        }
        for (int offset = longs; offset < size; offset++)
        {
            if (0 != data.getByte(offset))
            {
                return offset;
            }
        }
        return -1;
    }

    private static byte tailByte(final long stamp, final int offset)
    {
        return (byte)((stamp + offset * STEP) >>> 16);
    }
}
