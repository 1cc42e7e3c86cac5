package io.shadowvars;

import io.shadowvars.internal.table.ShadowTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-thread caches of freed blocks: without readers and without a memory cap, a block a thread
 * frees serves that thread's next allocation of its size class, whatever the new variable's
 * segment; it comes back zeroed; a store with a cap keeps blocks with their segment.
 */
class BlockCacheTest extends NativeMemoryBaseline
{
    private static final int SIZE = 40;
    private static final int SEGMENTS = 8;

    /** Two parents whose variables live in different segments. */
    private static long[] parentsInTwoSegments()
    {
        final long first = 0x4000_0000L;
        final int segment = ShadowTable.segmentOf(first, SEGMENTS);
        for (long other = first + 64; ; other += 64)
        {
            if (ShadowTable.segmentOf(other, SEGMENTS) != segment)
            {
                return new long[] {first, other};
            }
        }
    }

    @Test
    void shouldReuseAFreedBlockInAnotherSegmentOnTheSameThread()
    {
        final ShadowStore store = track(ShadowStore.builder().segments(SEGMENTS).build());
        final long[] parents = parentsInTwoSegments();
        final long first = store.alloc(parents[0], 1, SIZE);
        new UnsafeBuffer(first, SIZE).setMemory(0, SIZE, (byte)0x7F);
        assertTrue(store.free(parents[0], 1));

        final long second = store.alloc(parents[1], 1, SIZE);
        assertEquals(first, second, "the block just freed serves the next allocation of its class");
        final UnsafeBuffer data = new UnsafeBuffer(second, SIZE);
        for (int i = 0; i < SIZE; i++)
        {
            assertEquals(0, data.getByte(i), "byte " + i + " of a reused block");
        }
        assertEquals(second, store.get(parents[1], 1));
        assertEquals(0, store.get(parents[0], 1));
        assertEquals(1, store.stats().liveVariables());
    }

    @Test
    void shouldKeepBlocksWithTheirSegmentUnderAMemoryCap()
    {
        final ShadowStore store = track(ShadowStore.builder().segments(SEGMENTS).maxMemory(64L << 20).build());
        final long[] parents = parentsInTwoSegments();
        final long first = store.alloc(parents[0], 1, SIZE);
        assertTrue(store.free(parents[0], 1));

        final long second = store.alloc(parents[1], 1, SIZE);
        assertNotEquals(0, second);
        assertNotEquals(first, second, "with a cap, a freed block goes back to its own segment's allocator");
        assertEquals(first, store.alloc(parents[0], 2, SIZE), "and is reused there");
    }

    @Test
    void shouldNotReuseABlockEarlyWhenAReaderIsRegistered()
    {
        final ShadowStore store = track(ShadowStore.builder().segments(SEGMENTS).build());
        final ShadowReader reader = store.reader();
        final long[] parents = parentsInTwoSegments();
        reader.enter();
        final long first = store.alloc(parents[0], 1, SIZE);
        assertTrue(store.free(parents[0], 1));
        final long second = store.alloc(parents[1], 1, SIZE);
        assertNotEquals(first, second, "a block freed while a reader is in a section waits for its grace period");
        reader.exit();
        reader.close();
    }

    @Test
    void shouldHandBackTheCacheOfATerminatedThread() throws Exception
    {
        final ShadowStore store = track(ShadowStore.builder().segments(SEGMENTS).build());
        final long[] parents = parentsInTwoSegments();
        final long[] freedByWorker = new long[1];
        final Thread worker = new Thread(() ->
        {
            freedByWorker[0] = store.alloc(parents[0], 1, SIZE);
            store.free(parents[0], 1);
        });
        worker.start();
        worker.join();
        assertNotEquals(0, freedByWorker[0]);

        // The dead thread's cache holds the block; stats() hands it to segment 0's allocator.
        assertEquals(0, store.stats().liveVariables());
        final int segment0 = 0;
        long parent = 0x7000_0000L;
        while (ShadowTable.segmentOf(parent, SEGMENTS) != segment0)
        {
            parent += 64;
        }
        assertEquals(freedByWorker[0], store.alloc(parent, 1, SIZE),
            "a terminated thread's cached block is reusable after the next all-segment operation");
    }
}
