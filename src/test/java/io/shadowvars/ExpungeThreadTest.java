package io.shadowvars;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional background expunge thread of a weak-parent store: off until started, it frees a
 * collected parent's variables with no other call on the store, runs onParentCollected on itself
 * with no lock of the store held and never interrupted, survives a throwing callback, and is gone
 * once stopped or once the store is closed. Refused on a strong store, twice, after close and from
 * inside a callback. The garbage collector is driven with System.gc() in bounded loops; while
 * waiting for the thread's work, the tests only read counters (readCounters expunges nothing).
 */
class ExpungeThreadTest extends NativeMemoryBaseline
{
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private ShadowStore weakStore(final ShadowDtor onCollected)
    {
        return track(ShadowStore.builder().weakObjectParents(true).onParentCollected(onCollected).segments(1)
            .checked(true).build());
    }

    /** A parent only the returned probe refers to, with one 16-byte variable stamped with {@code stamp}. */
    private static WeakReference<Object> parentWithVariable(final ShadowStore store, final long stamp)
    {
        final Object parent = new Object();
        final long data = store.alloc(parent, 1, 16);
        assertNotEquals(0, data);
        new UnsafeBuffer(data, 16).putLong(0, stamp);
        return new WeakReference<>(parent);
    }

    /** Wait, reading only the lock-free counters, until {@code collected} variables were freed. */
    private static ShadowCounters awaitCollectedVariables(final ShadowStore store, final long collected)
        throws InterruptedException
    {
        final ShadowCounters counters = new ShadowCounters();
        final long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (store.readCounters(counters).collectedVariables() < collected && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(2);
        }
        return counters;
    }

    private static boolean threadAlive(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void shouldFreeACollectedParentsVariableWithNoOtherCallThenStop() throws InterruptedException
    {
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<Long> stamps = new CopyOnWriteArrayList<>();
        final ShadowStore store = weakStore(var ->
        {
            threads.add(Thread.currentThread().getName());
            stamps.add(var.data().getLong(0));
        });
        assertNull(store.expungeThreadName(), "no thread unless started");
        store.startExpungeThread();
        final String name = store.expungeThreadName();
        assertNotNull(name);
        assertTrue(name.startsWith("shadowvars-expunge-"), name);
        assertTrue(threadAlive(name));
        final Thread thread = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
        assertTrue(thread.isDaemon(), "a forgotten thread must not keep the JVM alive");

        final WeakReference<Object> probe = parentWithVariable(store, 0x5EED_F00DL);
        WeakParentsTest.awaitCollected(probe);
        final ShadowCounters counters = awaitCollectedVariables(store, 1);

        assertEquals(1, counters.collectedVariables(), "the thread freed the variable with no other call");
        assertEquals(0, counters.liveVariables());
        assertEquals(List.of(name), threads, "onParentCollected ran once, on the expunge thread");
        assertEquals(List.of(0x5EED_F00DL), stamps, "with the data intact");

        assertTrue(store.stopExpungeThread());
        assertFalse(thread.isAlive(), "stopExpungeThread() returns once the thread has ended");
        assertFalse(threadAlive(name));
        assertNull(store.expungeThreadName());
        assertFalse(store.stopExpungeThread(), "nothing left to stop");

        // Stopped: a newly collected parent waits for a writer, stats() or expungeCollected().
        final WeakReference<Object> second = parentWithVariable(store, 2);
        WeakParentsTest.awaitCollected(second);
        Thread.sleep(50);
        assertEquals(1, store.readCounters(new ShadowCounters()).collectedVariables());
        final long deadline = System.nanoTime() + TIMEOUT_NANOS;
        int freed = 0;
        while (freed < 1 && System.nanoTime() - deadline < 0)
        {
            freed += store.expungeCollected();
            Thread.sleep(2);
        }
        assertEquals(1, freed);
        assertEquals(2, threads.size());
        assertEquals(Thread.currentThread().getName(), threads.get(1));
    }

    @Test
    void shouldStopTheThreadOnClose() throws InterruptedException
    {
        final ShadowStore store = weakStore(null);
        store.startExpungeThread();
        final String name = store.expungeThreadName();
        assertTrue(threadAlive(name));
        final WeakReference<Object> probe = parentWithVariable(store, 1);
        WeakParentsTest.awaitCollected(probe);
        awaitCollectedVariables(store, 1);

        store.close();

        assertFalse(threadAlive(name), "close() stops the expunge thread and waits for it");
        assertNull(store.expungeThreadName());
        assertFalse(store.stopExpungeThread(), "after close there is nothing to stop, and no exception");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, store::startExpungeThread);
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
    }

    @Test
    void shouldRunTheCallbackWithNoLockOfTheStoreHeld() throws InterruptedException
    {
        final Object live = new Object();
        final AtomicReference<ShadowStore> self = new AtomicReference<>();
        final AtomicReference<String> outcome = new AtomicReference<>();
        // One segment: if the callback ran under a lock of the store, this alloc could not finish.
        final ShadowStore store = weakStore(var ->
        {
            try
            {
                final long data = CompletableFuture.supplyAsync(() -> self.get().alloc(live, 9, 8))
                    .get(5, TimeUnit.SECONDS);
                outcome.set(0 != data ? "another thread allocated meanwhile" : "alloc returned 0");
            }
            catch (final Exception ex)
            {
                outcome.set("another thread's alloc did not finish: " + ex);
            }
        });
        self.set(store);
        store.startExpungeThread();
        final WeakReference<Object> probe = parentWithVariable(store, 1);
        WeakParentsTest.awaitCollected(probe);
        awaitCollectedVariables(store, 1);
        final long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (null == outcome.get() && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(2);
        }
        assertEquals("another thread allocated meanwhile", outcome.get());
        assertNotEquals(0, store.get(live, 9));
        assertTrue(store.stopExpungeThread());
        assertTrue(store.free(live, 9));
    }

    @Test
    void shouldLetTheCurrentCallbackFinishUninterruptedWhenStopped() throws Exception
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<String> inside = new AtomicReference<>();
        final ShadowStore store = weakStore(var ->
        {
            entered.countDown();
            try
            {
                final boolean released = release.await(10, TimeUnit.SECONDS);
                inside.set(released && !Thread.currentThread().isInterrupted() ? "released, not interrupted" :
                    released ? "interrupted" : "never released");
            }
            catch (final InterruptedException ex)
            {
                inside.set("interrupted while waiting");
            }
        });
        store.startExpungeThread();
        final String name = store.expungeThreadName();
        final WeakReference<Object> probe = parentWithVariable(store, 1);
        WeakParentsTest.awaitCollected(probe);
        assertTrue(entered.await(20, TimeUnit.SECONDS), "the thread took the collected parent");

        final CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(store::stopExpungeThread);
        Thread.sleep(100);
        assertFalse(stopped.isDone(), "stop waits for the callback in progress");
        assertTrue(threadAlive(name));
        release.countDown();

        assertTrue(stopped.get(20, TimeUnit.SECONDS));
        assertEquals("released, not interrupted", inside.get());
        assertFalse(threadAlive(name));
        assertEquals(1, store.readCounters(new ShadowCounters()).collectedVariables());
        assertEquals(0, store.stats().liveVariables());
    }

    @Test
    void shouldGoOnAfterACallbackThrows() throws InterruptedException
    {
        final List<Long> stamps = new CopyOnWriteArrayList<>();
        final ShadowStore store = weakStore(var ->
        {
            final long stamp = var.data().getLong(0);
            stamps.add(stamp);
            if (1 == stamp)
            {
                throw new IllegalArgumentException("callback failed on the first parent");
            }
        });
        store.startExpungeThread();
        final String name = store.expungeThreadName();
        final WeakReference<Object> first = parentWithVariable(store, 1);
        WeakParentsTest.awaitCollected(first);
        awaitCollectedVariables(store, 1);
        final WeakReference<Object> second = parentWithVariable(store, 2);
        WeakParentsTest.awaitCollected(second);
        final ShadowCounters counters = awaitCollectedVariables(store, 2);

        assertEquals(2, counters.collectedVariables(), "the thread survived the exception and freed the second");
        assertEquals(List.of(1L, 2L), stamps);
        assertTrue(threadAlive(name));
        assertTrue(store.stopExpungeThread());
    }

    @Test
    void shouldRefuseOnAStrongStoreTwiceAndFromInsideACallback() throws InterruptedException
    {
        final ShadowStore strong = track(ShadowStore.create());
        final IllegalStateException notWeak = assertThrows(IllegalStateException.class, strong::startExpungeThread);
        assertTrue(notWeak.getMessage().contains("weakObjectParents(true)"), notWeak.getMessage());
        assertNull(strong.expungeThreadName(), "nothing was started");
        assertFalse(strong.stopExpungeThread());

        final AtomicReference<ShadowStore> self = new AtomicReference<>();
        final List<String> outcomes = new CopyOnWriteArrayList<>();
        final ShadowStore store = weakStore(var ->
        {
            try
            {
                self.get().stopExpungeThread();
                outcomes.add("stop allowed");
            }
            catch (final IllegalStateException expected)
            {
                outcomes.add("stop refused");
            }
        });
        self.set(store);
        store.startExpungeThread();
        final String name = store.expungeThreadName();
        final IllegalStateException twice = assertThrows(IllegalStateException.class, store::startExpungeThread);
        assertTrue(twice.getMessage().contains("already running") && twice.getMessage().contains(name),
            twice.getMessage());

        final WeakReference<Object> probe = parentWithVariable(store, 1);
        WeakParentsTest.awaitCollected(probe);
        awaitCollectedVariables(store, 1);
        assertEquals(List.of("stop refused"), outcomes);
        assertTrue(threadAlive(name), "the refused stop left the thread running");
        assertTrue(store.stopExpungeThread());
        assertFalse(threadAlive(name));
    }
}
