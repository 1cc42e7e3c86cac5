package io.shadowvars.internal;

import org.agrona.UnsafeApi;

/**
 * The one place that reads and writes raw native memory.
 *
 * <p>Shadow data and block headers live off-heap at addresses the allocator hands out, so every
 * access is a raw-address access. Agrona's {@link UnsafeApi} (a thin face over
 * {@code jdk.internal.misc.Unsafe}, hence {@code --add-exports java.base/jdk.internal.misc}) is
 * used rather than {@code sun.misc.Unsafe}, whose memory methods print deprecation warnings from
 * JDK 24 on. Nothing here checks bounds: callers compute addresses from blocks they own.
 */
public final class Memory
{
    private Memory()
    {
    }

    /**
     * Plain 8-byte read.
     *
     * @param address where.
     * @return the value.
     */
    public static long getLong(final long address)
    {
        return UnsafeApi.getLong(address);
    }

    /**
     * Plain 8-byte write.
     *
     * @param address where.
     * @param value   what.
     */
    public static void putLong(final long address, final long value)
    {
        UnsafeApi.putLong(address, value);
    }

    /**
     * Plain 4-byte read.
     *
     * @param address where.
     * @return the value.
     */
    public static int getInt(final long address)
    {
        return UnsafeApi.getInt(address);
    }

    /**
     * Plain 4-byte write.
     *
     * @param address where.
     * @param value   what.
     */
    public static void putInt(final long address, final int value)
    {
        UnsafeApi.putInt(address, value);
    }

    /**
     * Plain 1-byte read.
     *
     * @param address where.
     * @return the value.
     */
    public static byte getByte(final long address)
    {
        return UnsafeApi.getByte(address);
    }

    /**
     * Fill memory with one byte value.
     *
     * @param address where.
     * @param length  how many bytes.
     * @param value   the byte.
     */
    public static void fill(final long address, final long length, final byte value)
    {
        UnsafeApi.setMemory(address, length, value);
    }

    /**
     * Zero memory. Small lengths that are whole longs are written as longs: {@code setMemory} is a
     * call into the VM's runtime, which costs more than the few stores a small variable needs.
     *
     * @param address where, 8-byte aligned when length is a multiple of 8.
     * @param length  how many bytes.
     */
    public static void zero(final long address, final long length)
    {
        if (length <= 64 && (length & 7) == 0)
        {
            for (long offset = 0; offset < length; offset += 8)
            {
                UnsafeApi.putLong(address + offset, 0L);
            }
        }
        else
        {
            UnsafeApi.setMemory(address, length, (byte)0);
        }
    }
}
