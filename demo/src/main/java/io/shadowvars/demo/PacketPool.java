package io.shadowvars.demo;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A pool of fixed-size off-heap packet buffers: one 64-byte-aligned direct allocation cut into
 * 64-byte-aligned slots, seen through one {@link UnsafeBuffer}. A slot's native address is the
 * parent its shadow variables hang off.
 */
final class PacketPool
{
    /** Alignment of the region and of every slot: one cache line. */
    static final int ALIGNMENT = 64;

    /** Bytes per packet slot (four cache lines). */
    static final int SLOT_BYTES = 256;

    private final int slots;
    private final ByteBuffer memory; // keeps the native memory reachable
    private final UnsafeBuffer buffer;
    private final long baseAddress;

    /**
     * Allocate the pool.
     *
     * @param slots how many buffers.
     */
    PacketPool(final int slots)
    {
        this.slots = slots;
        memory = BufferUtil.allocateDirectAligned(Math.multiplyExact(slots, SLOT_BYTES), ALIGNMENT);
        buffer = new UnsafeBuffer(memory);
        baseAddress = buffer.addressOffset();
    }

    /**
     * How many buffers the pool holds.
     *
     * @return the number of slots.
     */
    int slots()
    {
        return slots;
    }

    /**
     * The buffer over the whole region.
     *
     * @return the region's buffer; slot {@code i} starts at {@link #offset(int)}.
     */
    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Where a slot starts in {@link #buffer()}.
     *
     * @param slot from 0.
     * @return its offset.
     */
    int offset(final int slot)
    {
        return slot * SLOT_BYTES;
    }

    /**
     * A slot's native address: the parent of its shadow variables.
     *
     * @param slot from 0.
     * @return its address, never 0.
     */
    long address(final int slot)
    {
        return baseAddress + (long)slot * SLOT_BYTES;
    }

    /**
     * The bytes of native memory the pool holds.
     *
     * @return the capacity.
     */
    long bytes()
    {
        return memory.capacity();
    }
}
