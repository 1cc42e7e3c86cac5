package io.shadowvars;

import net.openhft.chronicle.bytes.BytesStore;
import org.agrona.DirectBuffer;

import java.util.Objects;

/**
 * Long parents from off-heap buffers: the native address a buffer starts at, to pass to the
 * {@code long} overloads of {@link ShadowStore}. Netty's {@code ByteBuf} has its own adapter,
 * {@link io.shadowvars.netty.NettyParents}, so that Netty stays an optional dependency.
 *
 * <h2>Address or object</h2>
 * A variable keyed on the address belongs to the memory, not to the Java object that views it:
 * every buffer over the same start address finds it, a flyweight re-wrapped over other memory no
 * longer does, and once the memory is freed or goes back to its pool the address may come back for
 * another buffer, so free the variable first (the kernel's "matching parent's lifecycle" case).
 * Only memory that does not move has an address: a heap buffer's {@code byte[]} is moved by the
 * garbage collector, so these methods reject it; key such a buffer on the object instead
 * ({@code store.get(buffer, id)}, by identity). An expandable buffer
 * ({@code ExpandableDirectByteBuffer}, an elastic Chronicle {@code Bytes}) moves its memory when it
 * grows: key it on its address only while its capacity is fixed.
 *
 * <h2>Cost and thread safety</h2>
 * Each method makes two or three calls on the buffer and allocates nothing (an exception's
 * message aside); it may be called from any thread that may read the buffer.
 */
public final class BufferParents
{
    private BufferParents()
    {
    }

    /**
     * The native address an Agrona buffer starts at: its {@link DirectBuffer#addressOffset()} when it
     * wraps native memory (an off-heap address, a direct {@code ByteBuffer}, a memory-mapped file).
     * Two buffers wrapped at the same address give the same parent.
     *
     * @param buffer a buffer over native memory, {@link DirectBuffer#byteArray()} {@code null}.
     * @return the buffer's start address, never 0.
     * @throws NullPointerException     when buffer is null.
     * @throws IllegalArgumentException when buffer wraps a {@code byte[]} (a heap buffer has no stable
     *                                  address: the garbage collector moves the array) or wraps no
     *                                  memory at all (address 0).
     */
    public static long of(final DirectBuffer buffer)
    {
        Objects.requireNonNull(buffer, "buffer");
        final long address = buffer.addressOffset();
        if (null != buffer.byteArray() || 0 == address)
        {
            throw notNative(buffer);
        }
        return address;
    }

    /**
     * The native address a Chronicle store starts at: {@code addressForRead(start())}. A
     * {@code Bytes} is a {@code BytesStore} too; its address is its store's start, whatever its read
     * and write positions.
     *
     * @param store a store over native memory, {@link BytesStore#isDirectMemory()} true.
     * @return the store's start address, never 0.
     * @throws NullPointerException     when store is null.
     * @throws IllegalArgumentException when store is on the heap (a heap store has no stable address:
     *                                  the garbage collector moves its array).
     * @throws IllegalStateException    when store has been released (its reference count is 0): its
     *                                  memory may already belong to someone else.
     */
    public static long of(final BytesStore<?, ?> store)
    {
        Objects.requireNonNull(store, "store");
        if (!store.isDirectMemory() || store.refCount() <= 0)
        {
            throw unusable(store);
        }
        final long address = store.addressForRead(store.start());
        if (0 == address)
        {
            throw unusable(store);
        }
        return address;
    }

    // Out of line so that of() stays small. The message names the buffer by class and capacity, not
    // toString(): a Chronicle store's toString() is its content.
    private static IllegalArgumentException notNative(final DirectBuffer buffer)
    {
        final String what = buffer.getClass().getName() + " of capacity " + buffer.capacity();
        if (null != buffer.byteArray())
        {
            return new IllegalArgumentException("a heap buffer has no stable address (the GC moves its byte[]): " +
                what + "; key it on the object instead, or wrap native memory");
        }
        return new IllegalArgumentException("the buffer wraps no memory (address 0): " + what);
    }

    private static RuntimeException unusable(final BytesStore<?, ?> store)
    {
        final String what = store.getClass().getName() + " of capacity " + store.capacity();
        if (!store.isDirectMemory())
        {
            return new IllegalArgumentException("a heap store has no stable address (the GC moves its array): " +
                what + "; key it on the object instead, or use a native store");
        }
        if (store.refCount() <= 0)
        {
            return new IllegalStateException("the store has been released, its memory may belong to someone else: " +
                what);
        }
        return new IllegalArgumentException("the store wraps no memory (address 0): " + what);
    }
}
