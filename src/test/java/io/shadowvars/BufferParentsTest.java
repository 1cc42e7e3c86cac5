package io.shadowvars;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BufferParents}: a native buffer's start address is a parent that every view of the same
 * memory finds; a heap buffer is refused with a message that names it.
 */
class BufferParentsTest extends NativeMemoryBaseline
{
    private static final long ID = 42;

    @Test
    void shouldKeyAgronaNativeBufferOnItsAddress()
    {
        final ShadowStore store = track(ShadowStore.create());
        final ByteBuffer direct = ByteBuffer.allocateDirect(64);
        final UnsafeBuffer buffer = new UnsafeBuffer(direct);

        final long parent = BufferParents.of(buffer);
        assertEquals(BufferUtil.address(direct), parent);
        assertEquals(buffer.addressOffset(), parent);

        final long data = store.alloc(BufferParents.of(buffer), ID, 16);
        assertNotEquals(0, data);
        assertEquals(data, store.get(BufferParents.of(buffer), ID));
        assertEquals(data, store.get(BufferParents.of(new UnsafeBuffer(direct)), ID),
            "another view of the same memory is the same parent");
        assertEquals(0, store.get(BufferParents.of(new UnsafeBuffer(direct, 8, 8)), ID),
            "a view further in is another parent");
        assertTrue(store.free(BufferParents.of(buffer), ID));
    }

    @Test
    void shouldRejectAgronaHeapBuffer()
    {
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[16]);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> BufferParents.of(heap));
        assertEquals("a heap buffer has no stable address (the GC moves its byte[]): " +
            "org.agrona.concurrent.UnsafeBuffer of capacity 16; key it on the object instead, or wrap native memory",
            ex.getMessage());
        assertThrows(NullPointerException.class, () -> BufferParents.of((UnsafeBuffer)null));
    }

    @Test
    void shouldKeyChronicleNativeStoreOnItsAddress()
    {
        final ShadowStore store = track(ShadowStore.create());
        final BytesStore<?, ?> native64 = BytesStore.nativeStoreWithFixedCapacity(64);
        try
        {
            final long parent = BufferParents.of(native64);
            assertEquals(native64.addressForRead(0), parent);

            final long data = store.alloc(BufferParents.of(native64), ID, 16);
            assertNotEquals(0, data);
            assertEquals(data, store.get(BufferParents.of(native64), ID));
            final Bytes<?> bytes = native64.bytesForRead();
            try
            {
                bytes.readSkip(8);
                assertEquals(data, store.get(BufferParents.of(bytes), ID),
                    "a Bytes over the store is keyed on the store's start, whatever its read position");
            }
            finally
            {
                bytes.releaseLast();
            }
            assertTrue(store.free(BufferParents.of(native64), ID));
        }
        finally
        {
            native64.releaseLast();
        }
        assertThrows(IllegalStateException.class, () -> BufferParents.of(native64),
            "a released store's memory may belong to someone else");
    }

    @Test
    void shouldRejectChronicleHeapStore()
    {
        final BytesStore<?, ?> heap = BytesStore.wrap(new byte[16]);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> BufferParents.of(heap));
        assertEquals("a heap store has no stable address (the GC moves its array): " +
            heap.getClass().getName() + " of capacity 16; key it on the object instead, or use a native store",
            ex.getMessage());
        assertThrows(NullPointerException.class, () -> BufferParents.of((BytesStore<?, ?>)null));
    }
}
