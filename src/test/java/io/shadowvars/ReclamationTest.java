package io.shadowvars;

import io.shadowvars.internal.table.ShadowTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 9: memory freed while a reader may hold it is not reused until the reader lets go, and
 * pending memory drains once nobody holds it. Single-threaded: the reader sections are opened on
 * this thread, which is enough to hold memory back; the races are the concurrency suite's.
 */
class ReclamationTest extends NativeMemoryBaseline
{
    private static final long PARENT = 0x10_0000L;

    /**
     * The i-th of a run of parents that are each in an address region and a chunk of their own
     * (the default sizes), so that they spread over every group of segments and over each group.
     */
    private static long spread(final int i)
    {
        return PARENT + ((long)i << ShadowTable.REGION_SHIFT) + ((long)i * ShadowTable.CHUNK_REGIONS << ShadowTable.REGION_SHIFT);
    }
    private static final int SIZE = 48;

    private ShadowStore store(final Reclamation reclamation)
    {
        return track(ShadowStore.builder().reclamation(reclamation).checked(true).build());
    }

    /**
     * Allocate and free variables of PARENT (other ids): one parent's variables share its segment,
     * and so its allocator, where a block freed for PARENT comes back.
     */
    private static Set<Long> churn(final ShadowStore store, final int rounds)
    {
        final Set<Long> seen = new HashSet<>();
        for (int i = 0; i < rounds; i++)
        {
            final long address = store.alloc(PARENT, 1_000 + i, SIZE);
            seen.add(address);
            assertTrue(store.free(PARENT, 1_000 + i));
        }
        return seen;
    }

    @Test
    void shouldNotReuseMemoryFreedDuringAnEpochSectionUntilExit()
    {
        final ShadowStore store = store(Reclamation.EPOCH);
        final ShadowReader reader = store.reader();
        final long address = store.alloc(PARENT, 1, SIZE);
        final UnsafeBuffer data = new UnsafeBuffer(address, SIZE);
        data.putLong(0, 0xC0FFEEL);

        reader.enter();
        assertEquals(address, store.get(PARENT, 1));
        assertTrue(store.free(PARENT, 1));
        assertFalse(churn(store, 1_000).contains(address), "reused while a section could hold it");
        assertEquals(0xC0FFEEL, data.getLong(0), "data intact inside the section");
        assertTrue(store.stats().pendingFreeBytes() > 0);
        reader.exit();

        store.stats();
        churn(store, 4);
        assertEquals(0, store.stats().pendingFreeBytes(), "pending drains after the section ends");
        reader.close();
    }

    @Test
    void shouldNotHoldMemoryBackForAnIdleEpochReader()
    {
        final ShadowStore store = store(Reclamation.EPOCH);
        final ShadowReader reader = store.reader();
        reader.enter();
        reader.exit();
        final long address = store.alloc(PARENT, 1, SIZE);
        assertTrue(store.free(PARENT, 1));
        assertTrue(churn(store, 10).contains(address), "a reader outside a section holds nothing back");
        assertEquals(0, store.stats().pendingFreeBytes());
        reader.close();
    }

    @Test
    void shouldHoldMemoryForQsbrReaderUntilItIsQuiescent()
    {
        final ShadowStore store = store(Reclamation.QSBR);
        final ShadowReader reader = store.reader();
        final long address = store.alloc(PARENT, 1, SIZE);
        assertEquals(address, store.get(PARENT, 1));
        assertTrue(store.free(PARENT, 1));
        assertFalse(churn(store, 1_000).contains(address), "reused before the QSBR reader was quiescent");
        assertTrue(store.stats().pendingFreeBytes() > 0);

        reader.quiescent();
        store.stats();
        reader.quiescent();
        store.stats();
        assertEquals(0, store.stats().pendingFreeBytes());
        // The free list is LIFO and the churn's own blocks were released after this one: reaching it
        // takes as many allocations as there are blocks above it.
        assertTrue(churn(store, 1_500).contains(address), "reusable once the reader passed quiescent states");
        reader.close();
    }

    @Test
    void shouldReleaseEverythingWhenTheLastReaderCloses()
    {
        final ShadowStore store = store(Reclamation.QSBR);
        final ShadowReader reader = store.reader();
        store.alloc(PARENT, 1, SIZE);
        store.free(PARENT, 1);
        assertTrue(store.stats().pendingFreeBytes() > 0);
        reader.close();
        reader.close();
        assertEquals(0, store.stats().pendingFreeBytes());
    }

    @Test
    void shouldReuseAtOnceWithNone()
    {
        final ShadowStore store = store(Reclamation.NONE);
        final ShadowReader reader = store.reader();
        reader.enter();
        final long address = store.alloc(PARENT, 1, SIZE);
        assertTrue(store.free(PARENT, 1));
        assertEquals(address, store.alloc(PARENT, 3, SIZE), "NONE reuses the block at once");
        assertEquals(0, store.stats().pendingFreeBytes());
        reader.exit();
        reader.close();
    }

    @Test
    void shouldPoisonReclaimedMemoryInCheckedMode()
    {
        final ShadowStore store = store(Reclamation.EPOCH);
        final long address = store.alloc(PARENT, 1, SIZE);
        final UnsafeBuffer data = new UnsafeBuffer(address, SIZE);
        data.putLong(0, -1L);
        assertTrue(store.free(PARENT, 1));
        // No reader is registered: the block is reclaimed at once, and poisoned. Slab memory stays
        // mapped while the store is open, so reading it here is safe (and is what a bug would do).
        for (int i = 0; i < SIZE; i++)
        {
            assertEquals(0x6B, data.getByte(i) & 0xFF, "byte " + i);
        }
    }

    @Test
    void shouldReportWritesAfterFreeInCheckedMode()
    {
        final ShadowStore store = store(Reclamation.NONE);
        final long address = store.alloc(PARENT, 1, SIZE);
        assertTrue(store.free(PARENT, 1));
        new UnsafeBuffer(address, SIZE).putInt(8, 1234); // use after free
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> store.alloc(PARENT, 2, SIZE));
        assertTrue(ex.getMessage().contains("written after it was freed"), ex.getMessage());
    }

    @Test
    void shouldRejectReaderUseFromAnotherThreadInCheckedMode() throws InterruptedException
    {
        final ShadowStore store = store(Reclamation.EPOCH);
        final ShadowReader reader = store.reader();
        final ExecutionException ex = assertThrows(ExecutionException.class,
            () -> CompletableFuture.runAsync(reader::enter).get());
        assertTrue(ex.getCause() instanceof IllegalStateException, String.valueOf(ex.getCause()));
        assertTrue(ex.getCause().getMessage().contains("owned by thread"), ex.getCause().getMessage());
        reader.close();
    }

    @Test
    void shouldRejectReaderProtocolMisuseInCheckedMode()
    {
        final ShadowStore store = store(Reclamation.EPOCH);
        final ShadowReader reader = store.reader();
        assertThrows(IllegalStateException.class, reader::exit, "exit without enter");
        reader.enter();
        assertThrows(IllegalStateException.class, reader::enter, "nested enter");
        assertThrows(IllegalStateException.class, reader::quiescent, "quiescent inside an EPOCH section");
        assertThrows(IllegalStateException.class, reader::close, "close inside a section");
        reader.exit();
        reader.close();
        assertThrows(IllegalStateException.class, reader::enter, "enter after close");
    }

    @Test
    void shouldKeepAStalledReadersMemoryPendingWithoutBlockingFree()
    {
        final ShadowStore store = store(Reclamation.EPOCH);
        final ShadowReader reader = store.reader();
        reader.enter();
        for (int i = 0; i < 100; i++)
        {
            assertNotEquals(0, store.alloc(PARENT + i * 64L, 1, SIZE));
            assertTrue(store.free(PARENT + i * 64L, 1));
        }
        final long pending = store.stats().pendingFreeBytes();
        assertTrue(pending >= 100L * SIZE, "pending " + pending);
        reader.exit();
        store.stats();
        store.stats();
        assertEquals(0, store.stats().pendingFreeBytes());
        reader.close();
    }

    // ---- Issue item 5: the memory cap while a reader stalls -----------------------------------------

    /**
     * A reader that stalls (an EPOCH reader inside a section, a QSBR reader that stops calling
     * {@code quiescent()}) holds back every block freed meanwhile. At the memory cap, allocations
     * then return 0 and count {@code failedAllocs}: they never throw, never wait for the reader and
     * never go over the cap; {@code free} goes on. Once the reader lets go, the very next
     * allocation succeeds.
     */
    @ParameterizedTest
    @EnumSource(value = Reclamation.class, names = {"EPOCH", "QSBR"})
    void shouldReturnZeroAtTheCapWhileAStalledReaderHoldsMemoryAndSucceedOnceItLetsGo(final Reclamation reclamation)
        throws ExecutionException, InterruptedException
    {
        final long cap = 256 * 1024;
        final ShadowStore store = track(ShadowStore.builder().reclamation(reclamation).maxMemory(cap).build());
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);
        final CountDownLatch left = new CountDownLatch(1);
        final AtomicBoolean done = new AtomicBoolean();
        final CompletableFuture<Void> readerThread = CompletableFuture.runAsync(() ->
        {
            final ShadowReader reader = store.reader(); // QSBR: protected from here on
            if (Reclamation.EPOCH == reclamation)
            {
                reader.enter();
            }
            stalled.countDown();
            await(letGo);
            if (Reclamation.EPOCH == reclamation)
            {
                reader.exit(); // an idle EPOCH reader holds nothing
                left.countDown();
                await(done);
            }
            else
            {
                reader.quiescent();
                left.countDown();
                while (!done.get())
                {
                    reader.quiescent(); // a QSBR reader that runs again keeps announcing
                    Thread.onSpinWait();
                }
            }
            reader.close();
        });
        await(stalled);

        int allocated = 0;
        int refused = 0;
        long slowest = 0;
        for (int i = 0; i < 20_000 && refused < 50; i++)
        {
            final long start = System.nanoTime();
            final long address = store.alloc(PARENT + 64L * i, 1, 64);
            slowest = Math.max(slowest, System.nanoTime() - start);
            if (0 == address)
            {
                refused++;
            }
            else
            {
                allocated++;
                assertTrue(store.free(PARENT + 64L * i, 1), "free goes on while the reader stalls");
            }
        }
        final ShadowStats held = store.stats();
        assertEquals(50, refused, "the cap was reached after " + allocated + " allocations");
        assertTrue(allocated > 100, "allocated " + allocated);
        assertEquals(50, held.failedAllocs());
        assertEquals(0, held.liveVariables());
        assertTrue(held.reservedBytes() <= cap, "reserved " + held.reservedBytes() + " over the cap");
        assertTrue(held.pendingFreeBytes() >= allocated * 64L, "the reader holds every freed block: " + held);
        assertTrue(slowest < 10_000_000_000L, "an allocation took " + slowest + " ns: it must not wait for the reader");
        assertTrue(store.stats().pendingFreeBytes() >= allocated * 64L, "still held while the reader holds on");

        letGo.countDown();
        await(left);
        long address = store.alloc(PARENT, 2, 64);
        int refusedAfter = 0;
        if (Reclamation.QSBR == reclamation)
        {
            // A grace period ends when the reader announces the epoch it began at: the reader
            // must run its next quiescent() or two first (it does, on its own thread).
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (0 == address && System.nanoTime() < deadline)
            {
                refusedAfter++;
                Thread.yield();
                address = store.alloc(PARENT, 2, 64);
            }
        }
        assertNotEquals(0, address, "an allocation after the reader let go succeeds");
        assertEquals(address, store.get(PARENT, 2));
        assertTrue(store.free(PARENT, 2));
        if (Reclamation.QSBR == reclamation)
        {
            // Every segment's held memory drains as the reader keeps announcing quiescent states.
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (store.stats().pendingFreeBytes() > 0 && System.nanoTime() < deadline)
            {
                Thread.yield();
            }
        }
        // The held memory is reusable: hundreds of variables fit at once, on parents one
        // region apart so that they spread over the segments (a segment's table that had to grow
        // would be refused at the cap, whatever is free).
        for (int i = 0; i < 200; i++)
        {
            assertNotEquals(0, store.alloc(spread(i), 1, 64), "allocation " + i + " after the reader let go");
        }
        for (int i = 0; i < 200; i++)
        {
            assertTrue(store.free(spread(i), 1));
        }
        done.set(true);
        readerThread.get();
        assertEquals(0, store.stats().pendingFreeBytes());
        assertEquals(50 + refusedAfter, store.stats().failedAllocs());
    }

    /**
     * The first allocation after a stalled reader lets go succeeds even for a size class all of
     * whose freed blocks were retired after the epoch last moved (they need two more epochs, where
     * the usual collection before carving gives one): a refusal with memory pending moves the
     * epoch on and tries again.
     */
    @Test
    void shouldSucceedOnTheFirstAllocationAfterAStalledReaderLetsGoWhateverEpochItsBlocksWaitFor()
    {
        final ShadowStore store = track(ShadowStore.builder().segments(1).maxMemory(128 * 1024).build());
        final ShadowReader reader = store.reader();
        reader.enter();
        for (int i = 0; i < 64; i++)
        {
            // Another size class first: its frees let the epoch move once, then it sticks.
            assertNotEquals(0, store.alloc(PARENT + 64L * i, 1, 64));
            assertTrue(store.free(PARENT + 64L * i, 1));
        }
        int allocated = 0;
        while (0 != store.alloc(PARENT + 64L * (1_000 + allocated), 1, 256))
        {
            assertTrue(store.free(PARENT + 64L * (1_000 + allocated), 1));
            allocated++;
        }
        assertTrue(allocated > 10, "allocated " + allocated);
        reader.exit();
        final long address = store.alloc(PARENT, 2, 256);
        assertNotEquals(0, address, "the first allocation after the reader let go");
        assertEquals(address, store.get(PARENT, 2));
        reader.close();
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "timed out");
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void await(final AtomicBoolean flag)
    {
        while (!flag.get())
        {
            Thread.onSpinWait();
        }
    }

    // ---- Rule 12: a reader whose thread terminated holds nothing back ------------------------------

    private static List<String> captureWarnings(final Runnable body)
    {
        final List<String> messages = new ArrayList<>();
        final Logger logger = Logger.getLogger("io.shadowvars");
        final Handler handler = new Handler()
        {
            @Override
            public void publish(final LogRecord record)
            {
                synchronized (messages)
                {
                    messages.add(record.getMessage());
                }
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        logger.addHandler(handler);
        try
        {
            body.run();
        }
        finally
        {
            logger.removeHandler(handler);
        }
        return messages;
    }

    private static void runAndJoin(final String name, final Runnable body) throws InterruptedException
    {
        final Thread thread = new Thread(body, name);
        thread.start();
        thread.join();
    }

    @Test
    void shouldReleaseMemoryHeldByAReaderWhoseThreadDiedInsideASection() throws InterruptedException
    {
        final ShadowStore store = store(Reclamation.EPOCH);
        final ShadowReader keeper = store.reader(); // a live reader outside any section: holds nothing
        final long address = store.alloc(PARENT, 1, SIZE);
        runAndJoin("dies-in-section", () ->
        {
            final ShadowReader reader = store.reader();
            reader.enter();
            assertEquals(address, store.get(PARENT, 1));
            // the thread ends here, inside its section, without exit() or close()
        });
        final List<String> warnings = captureWarnings(() ->
        {
            assertTrue(store.free(PARENT, 1));
            assertTrue(churn(store, 10).contains(address), "memory held by a dead reader was never reused");
            assertEquals(0, store.stats().pendingFreeBytes());
            store.stats();
        });
        final long matching = warnings.stream().filter(m -> m.contains("dies-in-section")).count();
        assertEquals(1, matching, "one warning naming the thread: " + warnings);
        assertTrue(warnings.stream().anyMatch(m -> m.contains("inside a read section")), warnings.toString());
        keeper.close();
    }

    @Test
    void shouldReleaseTheHandleOfAQsbrReaderWhoseThreadDiedWithoutClosingIt() throws InterruptedException
    {
        final ShadowStore store = store(Reclamation.QSBR);
        final ShadowReader keeper = store.reader();
        runAndJoin("qsbr-never-closed", () -> store.reader().quiescent());
        final long address = store.alloc(PARENT, 1, SIZE);
        final List<String> warnings = captureWarnings(() ->
        {
            assertTrue(store.free(PARENT, 1));
            keeper.quiescent();
            store.stats();
            keeper.quiescent();
            assertEquals(0, store.stats().pendingFreeBytes(), "a dead QSBR reader held memory back");
        });
        assertEquals(1, warnings.stream().filter(m -> m.contains("qsbr-never-closed")).count(), warnings.toString());
        keeper.close();
    }

    @Test
    void shouldKeepAReaderOpenWhenItsCloseFromACallbackIsRefused()
    {
        final ShadowStore store = track(ShadowStore.builder().reclamation(Reclamation.QSBR).build());
        final ShadowReader reader = store.reader();
        assertThrows(IllegalStateException.class, () -> store.alloc(PARENT, 1, 8, (var, data) ->
        {
            reader.close(); // refused: the ctor runs under a segment lock
            return 0;
        }, null));
        reader.close(); // really closes now
        for (int i = 0; i < 100; i++)
        {
            assertNotEquals(0, store.alloc(PARENT, 2 + i, 8));
            assertTrue(store.free(PARENT, 2 + i));
        }
        assertEquals(0, store.stats().pendingFreeBytes(), "the refused close left the handle registered and closed");
        final ShadowReader again = store.reader(); // and every segment lock was given back
        again.close();
    }
}
