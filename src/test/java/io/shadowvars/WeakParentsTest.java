package io.shadowvars;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 11, weak object parents: the variables of a collected parent are freed (by
 * expungeCollected, writers and stats, never by get), the callback sees the variable unlinked with
 * its data intact, live parents keep theirs, nothing runs twice, and the default store is
 * unchanged. The garbage collector is driven with System.gc() in bounded loops; a WeakReference
 * probe tells when a parent is gone.
 */
class WeakParentsTest extends NativeMemoryBaseline
{
    private static final long GC_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);

    /** What onParentCollected saw, copied out (the flyweight is valid only inside the callback). */
    private record Seen(Object parentObject, long parent, long id, int size, long firstLong)
    {
    }

    private static ShadowDtor recorder(final List<Seen> seen)
    {
        return var -> seen.add(new Seen(var.parentObject(), var.parent(), var.id(), var.size(),
            var.size() >= 8 ? var.data().getLong(0) : 0));
    }

    private ShadowStore weakStore(final ShadowDtor onCollected)
    {
        return track(ShadowStore.builder().weakObjectParents(true).onParentCollected(onCollected).checked(true).build());
    }

    /** A parent only the returned probe refers to, with variables of ids 1 (16 bytes, stamped) and 2 (flag). */
    private static WeakReference<Object> parentWithTwoVariables(final ShadowStore store, final long stamp)
    {
        final Object parent = new Object();
        final long data = store.alloc(parent, 1, 16);
        assertNotEquals(0, data);
        new UnsafeBuffer(data, 16).putLong(0, stamp);
        assertNotEquals(0, store.alloc(parent, 2, 0));
        assertEquals(data, store.get(parent, 1));
        return new WeakReference<>(parent);
    }

    /** Run the collector until {@code probe}'s referent is gone, within a bound (also used by ExpungeThreadTest). */
    static void awaitCollected(final WeakReference<?> probe) throws InterruptedException
    {
        final long deadline = System.nanoTime() + GC_TIMEOUT_NANOS;
        while (null != probe.get() && System.nanoTime() - deadline < 0)
        {
            System.gc();
            Thread.sleep(5);
        }
        assertNull(probe.get(), "the parent was not collected within the timeout");
    }

    /**
     * expungeCollected until it has freed {@code expected} variables in all (the collector hands
     * references to the queue a little after clearing them) or a bound passes; then once more,
     * which must find nothing.
     */
    private static int expungeUntil(final ShadowStore store, final int expected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + GC_TIMEOUT_NANOS;
        int freed = store.expungeCollected();
        while (freed < expected && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(2);
            freed += store.expungeCollected();
        }
        assertEquals(0, store.expungeCollected(), "a second expunge must find nothing");
        return freed;
    }

    @Test
    void shouldFreeVariablesOfCollectedParentAndRunCallbackWithDataIntact() throws InterruptedException
    {
        final List<Seen> seen = new ArrayList<>();
        final ShadowStore store = weakStore(recorder(seen));
        final WeakReference<Object> probe = parentWithTwoVariables(store, 0x5EED_F00DL);
        assertEquals(2, store.readCounters(new ShadowCounters()).liveVariables());

        awaitCollected(probe);
        assertEquals(2, expungeUntil(store, 2));

        assertEquals(2, seen.size());
        seen.sort((a, b) -> Long.compare(a.id(), b.id()));
        assertEquals(new Seen(null, 0, 1, 16, 0x5EED_F00DL), seen.get(0), "parentObject null, parent 0, data intact");
        assertEquals(new Seen(null, 0, 2, 0, 0), seen.get(1));
        final ShadowStats stats = store.stats();
        assertEquals(0, stats.liveVariables());
        assertEquals(0, stats.liveBytes());
        assertEquals(2, stats.collectedVariables());
        assertEquals(0, stats.pendingFreeBytes(), "retired memory is released once no reader holds it");
        assertEquals(2, store.readCounters(new ShadowCounters()).collectedVariables());
    }

    @Test
    void shouldKeepVariablesOfLiveParents() throws InterruptedException
    {
        final List<Seen> seen = new ArrayList<>();
        final ShadowStore store = weakStore(recorder(seen));
        final Object live = new Object();
        final long liveData = store.alloc(live, 1, 16);
        new UnsafeBuffer(liveData, 16).putLong(0, 42);
        final WeakReference<Object> probe = parentWithTwoVariables(store, 7);

        awaitCollected(probe);
        assertEquals(2, expungeUntil(store, 2));

        assertEquals(liveData, store.get(live, 1), "the live parent keeps its variable");
        assertEquals(42, new UnsafeBuffer(liveData, 16).getLong(0));
        assertEquals(1, store.stats().liveVariables());
        assertTrue(seen.stream().noneMatch(s -> s.firstLong() == 42), "no callback on the live parent's variable");
        assertTrue(store.free(live, 1));
    }

    @Test
    void shouldNeverKeepParentAliveThroughGet() throws InterruptedException
    {
        final ShadowStore store = weakStore(null);
        final WeakReference<Object> probe = parentWithTwoVariables(store, 1);
        for (int i = 0; i < 10_000; i++)
        {
            final Object parent = probe.get();
            if (null == parent)
            {
                break;
            }
            assertNotEquals(0, store.get(parent, 1));
            assertTrue(store.get(parent, 2, new UnsafeBuffer(0, 0)));
        }
        awaitCollected(probe);
        assertEquals(2, expungeUntil(store, 2));
    }

    @Test
    void shouldNotExpungeInsideGet() throws InterruptedException
    {
        final ShadowStore store = weakStore(null);
        final Object live = new Object();
        store.alloc(live, 9, 8);
        final WeakReference<Object> probe = parentWithTwoVariables(store, 1);
        awaitCollected(probe);
        Thread.sleep(50); // let the reference handler enqueue it
        for (int i = 0; i < 1_000; i++)
        {
            assertNotEquals(0, store.get(live, 9));
        }
        assertEquals(3, store.readCounters(new ShadowCounters()).liveVariables(), "get must not expunge");
        assertEquals(2, expungeUntil(store, 2));
        store.free(live, 9);
    }

    @Test
    void shouldNotRunAnythingTwiceWhenVariablesWereFreedBeforeCollection() throws InterruptedException
    {
        final List<Seen> collected = new ArrayList<>();
        final List<Long> destroyed = new ArrayList<>();
        final ShadowStore store = weakStore(recorder(collected));
        final WeakReference<Object> partly = parentWithTwoVariables(store, 1);
        final WeakReference<Object> fully = parentWithTwoVariables(store, 2);
        assertTrue(store.free(partly.get(), 1, var ->
        {
            assertSame(partly.get(), var.parentObject(), "an explicit free sees its live parent");
            destroyed.add(var.id());
        }));
        assertTrue(store.free(fully.get(), 1));
        assertTrue(store.free(fully.get(), 2));

        awaitCollected(partly);
        awaitCollected(fully);
        assertEquals(1, expungeUntil(store, 1), "only the variable not freed explicitly is collected");
        assertEquals(List.of(1L), destroyed);
        assertEquals(1, collected.size());
        assertEquals(2, collected.get(0).id());
        assertEquals(1, store.stats().collectedVariables());
        assertEquals(0, store.stats().liveVariables());
    }

    @Test
    void shouldFreeEachVariableOnceWhenFreeAllRacesTheExpunging() throws InterruptedException
    {
        final List<Seen> collected = new ArrayList<>();
        final ShadowStore store = weakStore(recorder(collected));
        final WeakReference<Object> probe = parentWithTwoVariables(store, 3);
        awaitCollected(probe);
        // freeAll's own batch may expunge the parent first; whatever it leaves, freeAll frees, and
        // its destructor then sees the parent gone.
        final List<Object> parents = new ArrayList<>();
        final ShadowDtor dtor = var -> parents.add(var.parentObject());
        final int viaFreeAll = store.freeAll(1, dtor) + store.freeAll(2, dtor);
        Thread.sleep(50);
        store.expungeCollected();
        assertEquals(2, viaFreeAll + collected.size(), "each variable is freed exactly once");
        assertEquals(viaFreeAll, parents.size());
        assertTrue(parents.stream().allMatch(p -> null == p), "a collected parent is null in a destructor");
        final ShadowStats stats = store.stats();
        assertEquals(collected.size(), stats.collectedVariables());
        assertEquals(0, stats.liveVariables());
    }

    @Test
    void shouldCountCollectedVariablesInStatsAndCounters() throws InterruptedException
    {
        final ShadowStore store = weakStore(null);
        final List<WeakReference<Object>> probes = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            probes.add(parentWithTwoVariables(store, i));
        }
        store.alloc(0x1000L, 1, 8); // a long parent: unaffected
        for (final WeakReference<Object> probe : probes)
        {
            awaitCollected(probe);
        }
        assertEquals(20, expungeUntil(store, 20));
        final ShadowStats stats = store.stats();
        assertEquals(20, stats.collectedVariables());
        assertEquals(1, stats.liveVariables());
        assertNotEquals(0, store.get(0x1000L, 1));
        final ShadowCounters counters = store.readCounters(new ShadowCounters());
        assertEquals(20, counters.collectedVariables());
        assertTrue(counters.toString().contains("collected=20"), counters.toString());
        assertTrue(store.free(0x1000L, 1));
    }

    @Test
    void shouldExpungeFromStats() throws InterruptedException
    {
        final ShadowStore store = weakStore(null);
        final WeakReference<Object> probe = parentWithTwoVariables(store, 1);
        awaitCollected(probe);
        final long deadline = System.nanoTime() + GC_TIMEOUT_NANOS;
        ShadowStats stats = store.stats();
        while (0 != stats.liveVariables() && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(2);
            stats = store.stats();
        }
        assertEquals(0, stats.liveVariables(), "stats() expunges a batch");
        assertEquals(2, stats.collectedVariables());
    }

    /**
     * A million short-lived parents (each gets one variable and is dropped at once): without
     * expunging the store would hold a million variables; the writers' batches keep the live count
     * and the heap bounded. System.gc() every 100,000 parents makes collections happen at known
     * points whatever the heap size; the writers alone free what they leave behind.
     */
    @Test
    void shouldKeepLiveCountAndHeapBoundedWithShortLivedParents() throws InterruptedException
    {
        final ShadowStore store = track(ShadowStore.builder().weakObjectParents(true).build());
        final int parents = 1_000_000;
        final ShadowCounters counters = new ShadowCounters();
        System.gc();
        final long heapBefore = usedHeap();
        long peakLive = 0;
        for (int i = 0; i < parents; i++)
        {
            assertNotEquals(0, store.alloc(new Object(), 1, 16));
            if (i % 100_000 == 0)
            {
                System.gc();
            }
            if (i % 1_000 == 0)
            {
                peakLive = Math.max(peakLive, store.readCounters(counters).liveVariables());
            }
        }
        assertTrue(peakLive < 300_000, "the writers' batches bound the live count: peak " + peakLive);
        final long collectedInLoop = store.readCounters(counters).collectedVariables();
        assertTrue(collectedInLoop > parents / 2, "most variables were freed by the writers' batches: " + counters);
        System.out.println("weak churn: " + parents + " parents, peak live " + peakLive + ", collected by writers " +
            collectedInLoop + " during the loop");

        // The rest: collected, then drained by a writer (batches only, no expungeCollected).
        final long deadline = System.nanoTime() + GC_TIMEOUT_NANOS;
        System.gc();
        for (int round = 1; store.readCounters(counters).liveVariables() > 0 && System.nanoTime() - deadline < 0; round++)
        {
            for (int i = 0; i < 1_000; i++)
            {
                store.free(0x40L, 1); // a writer on an absent long parent: only its batch does work
            }
            if (round % 100 == 0)
            {
                System.gc();
            }
        }
        assertEquals(0, store.readCounters(counters).liveVariables(), counters.toString());
        assertEquals(parents, counters.collectedVariables());
        System.gc();
        final long heapGrowth = usedHeap() - heapBefore;
        assertTrue(heapGrowth < 64L << 20, "heap must stay bounded: grew by " + heapGrowth + " bytes");
    }

    private static long usedHeap()
    {
        final Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void shouldNotAllocateInGetOfLiveParent() throws ReflectiveOperationException
    {
        // Through reflection: the tests are compiled into the library's module, which does not read
        // java.management; they run on the class path, where it is there.
        final Object threads = Class.forName("java.lang.management.ManagementFactory")
            .getMethod("getThreadMXBean").invoke(null);
        final Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
            .getMethod("getThreadAllocatedBytes", long.class);
        final long thread = Thread.currentThread().getId();
        final ShadowStore store = weakStore(null);
        final Object[] parents = new Object[64];
        for (int i = 0; i < parents.length; i++)
        {
            parents[i] = new Object();
            store.alloc(parents[i], 1, 8);
        }
        long sum = 0;
        for (int round = 0; round < 3; round++)
        {
            final long before = (long)allocatedBytes.invoke(threads, thread);
            for (int i = 0; i < 1_000_000; i++)
            {
                sum += store.get(parents[i & 63], 1);
            }
            final long allocated = (long)allocatedBytes.invoke(threads, thread) - before;
            assertTrue(allocated < 4096, "a million gets allocated " + allocated + " bytes");
        }
        assertNotEquals(0, sum);
        for (final Object parent : parents)
        {
            store.free(parent, 1);
        }
    }

    @Test
    void shouldNeverShareVariablesWhenACollectedParentsIdentityHashIsReused() throws InterruptedException
    {
        final ShadowStore store = weakStore(null);
        final Object[] twins = identityHashTwins();
        final long survivor = store.alloc(twins[1], 7, 8);
        assertNotEquals(0, store.alloc(twins[0], 7, 8));
        final WeakReference<Object> probe = new WeakReference<>(twins[0]);
        final Object kept = twins[1];
        twins[0] = null;
        twins[1] = null;
        awaitCollected(probe);
        assertEquals(survivor, store.get(kept, 7), "before expunge, the twin finds its own variable");
        assertEquals(1, expungeUntil(store, 1));
        assertEquals(survivor, store.get(kept, 7), "after expunge too");
        assertEquals(0, store.alloc(kept, 7, 8), "still a duplicate");
        assertTrue(store.free(kept, 7));
    }

    private static Object[] identityHashTwins()
    {
        final Map<Integer, Object> byHash = new HashMap<>();
        while (true)
        {
            final Object candidate = new Object();
            final Object twin = byHash.putIfAbsent(System.identityHashCode(candidate), candidate);
            if (null != twin)
            {
                return new Object[]{twin, candidate};
            }
        }
    }

    @Test
    void shouldRefuseMutatingCallsFromInsideTheCallbackButAllowGet() throws InterruptedException
    {
        final Object live = new Object();
        final AtomicReference<ShadowStore> self = new AtomicReference<>();
        final List<String> outcomes = new ArrayList<>();
        final ShadowStore store = weakStore(var ->
        {
            outcomes.add(0 != self.get().get(live, 5) ? "get ok" : "get missed");
            try
            {
                self.get().alloc(live, 6, 8);
                outcomes.add("alloc allowed");
            }
            catch (final IllegalStateException expected)
            {
                outcomes.add("alloc refused");
            }
            try
            {
                self.get().expungeCollected();
                outcomes.add("expunge allowed");
            }
            catch (final IllegalStateException expected)
            {
                outcomes.add("expunge refused");
            }
        });
        self.set(store);
        store.alloc(live, 5, 8);
        final WeakReference<Object> probe = new WeakReference<>(new Object());
        store.alloc(probe.get(), 1, 8);
        awaitCollected(probe);
        assertEquals(1, expungeUntil(store, 1));
        assertEquals(List.of("get ok", "alloc refused", "expunge refused"), outcomes);
        assertTrue(store.free(live, 5));
    }

    @Test
    void shouldFreeEverythingThenRethrowFromExpungeButOnlyLogFromWriters() throws InterruptedException
    {
        final AtomicLong calls = new AtomicLong();
        final ShadowStore store = weakStore(var ->
        {
            calls.incrementAndGet();
            throw new IllegalArgumentException("callback failed on " + var.id());
        });
        final WeakReference<Object> first = parentWithTwoVariables(store, 1);
        awaitCollected(first);
        Thread.sleep(50);
        final long deadline = System.nanoTime() + GC_TIMEOUT_NANOS;
        IllegalArgumentException thrown = null;
        while (null == thrown && System.nanoTime() - deadline < 0)
        {
            try
            {
                store.expungeCollected();
                Thread.sleep(2);
            }
            catch (final IllegalArgumentException ex)
            {
                thrown = ex;
            }
        }
        assertNotNull(thrown);
        assertEquals(1, thrown.getSuppressed().length, "the second callback's exception is suppressed");
        assertEquals(2, calls.get());
        assertEquals(0, store.stats().liveVariables(), "both variables were freed anyway");

        final WeakReference<Object> second = parentWithTwoVariables(store, 2);
        awaitCollected(second);
        final long until = System.nanoTime() + GC_TIMEOUT_NANOS;
        while (calls.get() < 4 && System.nanoTime() - until < 0)
        {
            Thread.sleep(2);
            store.free(0x40L, 1); // a writer's batch: logs, does not throw
        }
        assertEquals(4, calls.get());
        assertEquals(4, store.stats().collectedVariables());
    }

    @Test
    void shouldRejectOnParentCollectedWithoutWeakParents()
    {
        final ShadowStore.Builder builder = ShadowStore.builder().onParentCollected(var -> { });
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(ex.getMessage().contains("onParentCollected") && ex.getMessage().contains("weakObjectParents"),
            ex.getMessage());
        track(ShadowStore.builder().weakObjectParents(true).onParentCollected(null).build());
    }

    @Test
    void shouldLeaveTheDefaultStoreStrong() throws InterruptedException
    {
        final ShadowStore store = track(ShadowStore.create());
        assertFalse(store.weakObjectParents());
        final WeakReference<Object> probe = parentWithTwoVariables(store, 1);
        for (int i = 0; i < 5; i++)
        {
            System.gc();
            Thread.sleep(5);
        }
        assertNotNull(probe.get(), "a strong store keeps its parents reachable");
        assertEquals(0, store.expungeCollected());
        assertEquals(0, store.stats().collectedVariables());
        assertEquals(2, store.freeAll(1) + store.freeAll(2));
    }

    @Test
    void shouldThrowAfterClose()
    {
        final ShadowStore store = weakStore(null);
        store.alloc(new Object(), 1, 8);
        store.close();
        assertThrows(IllegalStateException.class, store::expungeCollected);
    }

    @Test
    void shouldCloseWithCollectedParentsStillQueued() throws InterruptedException
    {
        final List<Seen> seen = new ArrayList<>();
        final ShadowStore store = weakStore(recorder(seen));
        final WeakReference<Object> probe = parentWithTwoVariables(store, 1);
        awaitCollected(probe);
        store.close(); // native memory back to baseline is checked after the test
        assertTrue(seen.isEmpty(), "close runs no callback");
    }

    /**
     * Readers on live parents while another thread churns short-lived parents through the same
     * segments and expunges: a get of a live parent never misses and always reads its own stamp.
     */
    @Test
    void shouldNeverMissLiveParentWhileCollectedOnesAreExpunged() throws Exception
    {
        final ShadowStore store = track(ShadowStore.builder().weakObjectParents(true).segments(2).build());
        final Object[] live = new Object[256];
        for (int i = 0; i < live.length; i++)
        {
            live[i] = new Object();
            new UnsafeBuffer(store.alloc(live[i], 1, 8), 8).putLong(0, i);
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong misses = new AtomicLong();
        final Thread reader = new Thread(() ->
        {
            int i = 0;
            while (!stop.get())
            {
                final int k = i++ & 255;
                final long address = store.get(live[k], 1);
                if (0 == address || new UnsafeBuffer(address, 8).getLong(0) != k)
                {
                    misses.incrementAndGet();
                }
            }
        });
        reader.start();
        try
        {
            final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
            int n = 0;
            while (System.nanoTime() - end < 0)
            {
                store.alloc(new Object(), 1, 8);
                if (++n % 20_000 == 0)
                {
                    System.gc();
                    store.expungeCollected();
                }
            }
        }
        finally
        {
            stop.set(true);
            reader.join();
        }
        assertEquals(0, misses.get(), "a live parent's get missed or read another variable");
        assertTrue(store.stats().collectedVariables() > 0, "the test must have expunged something");
        for (final Object parent : live)
        {
            assertTrue(store.free(parent, 1));
        }
    }
}
