package io.shadowvars.netty;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Long parents from Netty buffers: the native address a {@link ByteBuf} starts at, to pass to the
 * {@code long} overloads of {@link io.shadowvars.ShadowStore}. See
 * {@link io.shadowvars.BufferParents} for when to key on the address and when on the object.
 *
 * <h2>Pooled buffers, slices and duplicates</h2>
 * A pooled buffer's address is where its piece of the pool's chunk starts; when it is released
 * that memory goes back to the pool and the same address comes back with another buffer, so free
 * its variables before releasing it. A derived buffer has the address of its own first byte: a
 * {@code duplicate()} (or {@code retainedDuplicate()}, or a read-only view) has its parent's
 * address and therefore sees its parent's variables; a {@code slice(index, length)} has the
 * parent's address plus {@code index}, so a slice at index 0 shares the parent's variables and a
 * slice further in has variables of its own. Key on the object ({@code store.get(buf, id)}, by
 * identity) when each derived buffer must have its own variables, remembering that pooled
 * {@code ByteBuf} objects are recycled too.
 *
 * <h2>Cost and thread safety</h2>
 * {@link #of(ByteBuf)} calls {@code hasMemoryAddress()} and {@code memoryAddress()} and allocates
 * nothing (an exception's message aside); it may be called from any thread that may read the
 * buffer.
 */
public final class NettyParents
{
    private NettyParents()
    {
    }

    /**
     * The native address a Netty buffer starts at: its {@link ByteBuf#memoryAddress()}, for a direct
     * buffer whose {@link ByteBuf#hasMemoryAddress()} is true.
     *
     * @param buffer a direct buffer with a memory address, not released.
     * @return the address of the buffer's first byte (index 0), never 0.
     * @throws NullPointerException     when buffer is null.
     * @throws IllegalArgumentException when buffer has no memory address: a heap buffer (the garbage
     *                                  collector moves its array), a composite buffer of several
     *                                  components, or a direct buffer whose address Netty does not
     *                                  know (Netty 4.1 knows it only when it may use
     *                                  {@code sun.misc.Unsafe}; 4.2 also without).
     * @throws IllegalStateException    when buffer has been released (Netty's
     *                                  {@code IllegalReferenceCountException}): its memory may
     *                                  already belong to another buffer.
     */
    public static long of(final ByteBuf buffer)
    {
        Objects.requireNonNull(buffer, "buffer");
        if (!buffer.hasMemoryAddress())
        {
            throw noAddress(buffer);
        }
        final long address = buffer.memoryAddress();
        if (0 == address)
        {
            throw noAddress(buffer);
        }
        return address;
    }

    private static IllegalArgumentException noAddress(final ByteBuf buffer)
    {
        final String why;
        if (buffer.hasArray())
        {
            why = "a heap buffer has no stable address (the GC moves its byte[])";
        }
        else if (buffer.isDirect())
        {
            why = "this direct buffer has no memory address (a composite buffer, or Netty 4.1 without Unsafe)";
        }
        else
        {
            why = "this buffer has no memory address";
        }
        return new IllegalArgumentException(why + ": " + buffer.getClass().getName() + " of capacity " +
            buffer.capacity() + "; key it on the object instead, or use a direct buffer");
    }
}
