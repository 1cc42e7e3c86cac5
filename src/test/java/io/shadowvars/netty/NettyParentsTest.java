package io.shadowvars.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.shadowvars.ShadowStore;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NettyParents}: a direct buffer's memory address is a parent; derived buffers have the
 * address of their own first byte; heap and released buffers are refused.
 */
class NettyParentsTest
{
    private static final long ID = 42;

    @Test
    void shouldKeyDirectBufferOnItsMemoryAddress()
    {
        final ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try (ShadowStore store = ShadowStore.create())
        {
            assertTrue(buffer.hasMemoryAddress(), "Netty must be able to use Unsafe for this test");
            assertEquals(buffer.memoryAddress(), NettyParents.of(buffer));

            final long data = store.alloc(NettyParents.of(buffer), ID, 16);
            assertNotEquals(0, data);
            assertEquals(data, store.get(NettyParents.of(buffer), ID));
            assertEquals(data, store.get(NettyParents.of(buffer.duplicate()), ID), "a duplicate shares the address");
            assertEquals(data, store.get(NettyParents.of(buffer.slice(0, 8)), ID), "so does a slice at index 0");
            assertEquals(buffer.memoryAddress() + 8, NettyParents.of(buffer.slice(8, 8)));
            assertEquals(0, store.get(NettyParents.of(buffer.slice(8, 8)), ID), "a slice further in is another parent");
            assertTrue(store.free(NettyParents.of(buffer), ID), "free before the buffer goes back to its pool");
        }
        finally
        {
            buffer.release();
        }
        assertThrows(IllegalStateException.class, () -> NettyParents.of(buffer),
            "a released buffer's memory may belong to another buffer");
    }

    @Test
    void shouldRejectBufferWithoutMemoryAddress()
    {
        final ByteBuf heap = Unpooled.buffer(16);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> NettyParents.of(heap));
        assertEquals("a heap buffer has no stable address (the GC moves its byte[]): " + heap.getClass().getName() +
            " of capacity 16; key it on the object instead, or use a direct buffer", ex.getMessage());
        assertThrows(NullPointerException.class, () -> NettyParents.of(null));

        final ByteBuf composite = Unpooled.wrappedBuffer(
            Unpooled.directBuffer(8).writeLong(1), Unpooled.directBuffer(8).writeLong(2));
        try
        {
            assertThrows(IllegalArgumentException.class, () -> NettyParents.of(composite),
                "two components have no single address");
        }
        finally
        {
            composite.release();
        }
    }
}
