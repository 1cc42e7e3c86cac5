package io.shadowvars;

import io.shadowvars.internal.table.ShadowTable;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer checks that it is not inside a callback after it has taken its segment's lock, and
 * finds its per-thread state through the segment's remembered last writer. These tests pin what
 * that must keep: a callback that calls into a segment another thread holds fails instead of
 * waiting (waiting could deadlock against a {@code freeAll}), a refused nested call leaves the
 * other segment unlocked and unchanged, and a terminated writer thread is not kept reachable.
 */
class CallbackLockTest extends NativeMemoryBaseline
{
    private static final int SEGMENTS = 16;
    private static final long FIRST = 0x40_0000_0000L;

    private static long parentOutsideSegmentOf(final long parent)
    {
        long other = parent;
        do
        {
            other += 1L << ShadowTable.REGION_SHIFT;
        }
        while (ShadowTable.segmentOf(other, SEGMENTS) == ShadowTable.segmentOf(parent, SEGMENTS));
        return other;
    }

    @Test
    void shouldFailInsteadOfWaitingWhenACallbackCallsIntoASegmentAnotherThreadHolds() throws Exception
    {
        final ShadowStore store = track(ShadowStore.builder().segments(SEGMENTS).build());
        final long mine = FIRST;
        final long held = parentOutsideSegmentOf(mine);
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<Throwable> holderFailure = new AtomicReference<>();
        final Thread holder = new Thread(() ->
        {
            try
            {
                // The ctor runs under the held parent's segment lock and keeps it until released.
                store.alloc(held, 1, 8, (var, data) ->
                {
                    holding.countDown();
                    await(release);
                    return 0;
                }, null);
            }
            catch (final Throwable ex)
            {
                holderFailure.set(ex);
            }
        }, "segment-holder");
        holder.start();
        assertTrue(holding.await(10, TimeUnit.SECONDS), "the holder took its segment's lock");
        try
        {
            final IllegalStateException refused = assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThrows(IllegalStateException.class, () ->
                    store.alloc(mine, 1, 8, (var, data) ->
                    {
                        store.alloc(held, 2, 8);
                        return 0;
                    }, null)),
                "a callback must not wait for a segment lock another thread holds");
            assertTrue(refused.getMessage().contains("ctor"), refused.getMessage());
        }
        finally
        {
            release.countDown();
            holder.join(10_000);
        }
        assertNull(holderFailure.get());
        assertNotEquals(0, store.get(held, 1), "the holder's allocation completed");
        assertEquals(0, store.get(held, 2), "the nested allocation did nothing");
        assertEquals(0, store.get(mine, 1), "the outer allocation was abandoned");
        assertEquals(1, store.stats().liveVariables());
    }

    @Test
    void shouldLeaveTheOtherSegmentUnlockedAndUnchangedAfterRefusingANestedCall() throws Exception
    {
        final ShadowStore store = track(ShadowStore.builder().segments(SEGMENTS).build());
        final long mine = FIRST;
        final long other = parentOutsideSegmentOf(mine);
        assertNotEquals(0, store.alloc(other, 1, 8));
        assertNotEquals(0, store.alloc(mine, 1, 8));
        assertThrows(IllegalStateException.class, () -> store.free(mine, 1, var -> store.free(other, 1)));
        assertEquals(0, store.get(mine, 1), "the outer free completed");
        assertNotEquals(0, store.get(other, 1), "the nested free did nothing");

        // The nested call took the other segment's lock and must have given it back: another
        // thread (which would wait for it for ever otherwise) frees there at once.
        final AtomicReference<Boolean> freed = new AtomicReference<>();
        final Thread next = new Thread(() -> freed.set(store.free(other, 1)), "next-writer");
        next.start();
        next.join(10_000);
        assertEquals(Boolean.TRUE, freed.get(), "the other segment's lock was released");
        assertEquals(0, store.stats().liveVariables());
    }

    @Test
    void shouldNotKeepATerminatedWriterThreadReachable() throws Exception
    {
        final ShadowStore store = track(ShadowStore.builder().segments(SEGMENTS).build());
        Thread writer = new Thread(() ->
        {
            for (int i = 0; i < 100; i++)
            {
                final long parent = FIRST + ((long)i << ShadowTable.REGION_SHIFT);
                assertNotEquals(0, store.alloc(parent, 1, 16));
                assertTrue(store.free(parent, 1));
            }
        }, "short-lived-writer");
        writer.start();
        writer.join(10_000);
        final WeakReference<Thread> gone = new WeakReference<>(writer);
        writer = null;
        // stats() holds every segment lock: it hands back the dead thread's block cache and lets
        // the segments forget it as their last writer.
        assertEquals(0, store.stats().liveVariables());
        for (int i = 0; i < 50 && null != gone.get(); i++)
        {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(gone.get(), "the store keeps a terminated writer thread reachable");
        // The store goes on with writers it has never seen.
        assertNotEquals(0, store.alloc(FIRST, 2, 16));
        assertTrue(store.free(FIRST, 2));
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            if (!latch.await(30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("not released within 30 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
