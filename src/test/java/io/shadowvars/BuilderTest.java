package io.shadowvars;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Builder options: defaults, and bad values rejected with a message naming option and value.
 */
class BuilderTest extends NativeMemoryBaseline
{
    private static void assertRejected(final org.junit.jupiter.api.function.Executable call, final String... words)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
        for (final String word : words)
        {
            assertTrue(ex.getMessage().contains(word), ex.getMessage() + " should name " + word);
        }
    }

    @Test
    void shouldRejectBadOptionsNamingThem()
    {
        assertRejected(() -> ShadowStore.builder().initialCapacity(0), "initialCapacity", "0");
        assertRejected(() -> ShadowStore.builder().initialCapacity(-5), "initialCapacity", "-5");
        assertRejected(() -> ShadowStore.builder().maxMemory(0), "maxMemory", "0");
        assertRejected(() -> ShadowStore.builder().maxMemory(-1), "maxMemory", "-1");
        assertRejected(() -> ShadowStore.builder().alignment(12), "alignment", "12");
        assertRejected(() -> ShadowStore.builder().alignment(4), "alignment", "4");
        assertRejected(() -> ShadowStore.builder().alignment(8192), "alignment", "8192");
        assertRejected(() -> ShadowStore.builder().maxSize(-1), "maxSize", "-1");
        assertRejected(() -> ShadowStore.builder().maxMemory(64).build(), "maxMemory");
        assertRejected(() -> ShadowStore.builder().reclamation(null), "reclamation", "null");
    }

    @Test
    void shouldDefaultToEpochAndNoLimit()
    {
        final ShadowStore store = track(ShadowStore.create());
        assertEquals(Reclamation.EPOCH, store.reclamation());
        assertEquals(1 << 30, store.maxSize());
        final ShadowStats stats = store.stats();
        assertEquals(0, stats.liveVariables());
        assertTrue(stats.reservedBytes() > 0, "the table is reserved");
    }

    @Test
    void shouldAlignEveryDataAddress()
    {
        for (final int alignment : new int[]{8, 16, 64, 4096})
        {
            final ShadowStore store = track(ShadowStore.builder().alignment(alignment).build());
            for (int size = 0; size < 200; size += 7)
            {
                final long address = store.alloc(0x100L + size * 64L, 1, size);
                assertEquals(0, address % alignment, "alignment " + alignment + " size " + size);
            }
            final long large = store.alloc(0x1L, 1, 100_000);
            assertEquals(0, large % alignment, "large, alignment " + alignment);
        }
    }

    @Test
    void shouldCapMaxSizeAtMaxMemory()
    {
        final ShadowStore store = track(ShadowStore.builder().maxMemory(1 << 20).build());
        assertEquals(1 << 20, store.maxSize());
        assertRejected(() -> store.alloc(1L, 1, (1 << 20) + 1), "size", String.valueOf((1 << 20) + 1));
    }
}
