package io.shadowvars;

import io.shadowvars.internal.alloc.FaultInjector;
import io.shadowvars.internal.alloc.FaultInjector.Site;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the operating system refuses native memory (a new slab, a large variable's dedicated
 * block) or the heap refuses a table's larger arrays, {@code alloc} and {@code getOrAlloc} return
 * 0 and count {@code failedAllocs}, exactly as at the memory cap (rule 8): nothing is half added,
 * every variable stays where it was, nothing leaks, and allocations succeed again once memory is
 * given. A {@link FaultInjector} on the store's arena makes each request fail either way it can
 * fail for real: refused ({@code malloc} returning null) or with {@link OutOfMemoryError} (what
 * {@code Unsafe.allocateMemory} and {@code new long[n]} throw).
 */
class FaultInjectionTest extends NativeMemoryBaseline
{
    private static final long ID = 3;

    /** How the injected failure shows itself. */
    enum Failure
    {
        /** The request is refused. */
        REFUSED,
        /** The request throws OutOfMemoryError. */
        OUT_OF_MEMORY
    }

    /** Fails the requests of chosen sites while on, and counts every request it sees. */
    static final class Faults implements FaultInjector
    {
        private final Map<Site, AtomicInteger> asked = new EnumMap<>(Site.class);
        private final Map<Site, AtomicInteger> failed = new EnumMap<>(Site.class);
        private volatile Set<Site> failing = EnumSet.noneOf(Site.class);
        private volatile Failure failure = Failure.REFUSED;
        private volatile double probability = 1.0;
        private Random random = new Random(1);

        Faults()
        {
            for (final Site site : Site.values())
            {
                asked.put(site, new AtomicInteger());
                failed.put(site, new AtomicInteger());
            }
        }

        Faults fail(final Failure failure, final Site first, final Site... rest)
        {
            this.failure = failure;
            this.failing = EnumSet.of(first, rest);
            return this;
        }

        void clear()
        {
            failing = EnumSet.noneOf(Site.class);
        }

        int asked(final Site site)
        {
            return asked.get(site).get();
        }

        int failed(final Site site)
        {
            return failed.get(site).get();
        }

        @Override
        public boolean fail(final Site site, final long bytes)
        {
            assertTrue(bytes > 0, site + " asked for " + bytes + " bytes");
            asked.get(site).incrementAndGet();
            // With a probability, the first request at each failing site still fails, so that
            // every seed exercises every site (a parents array is asked for only a
            // handful of times per run: at 0.25 a whole run could otherwise go without a fault).
            if (!failing.contains(site) ||
                (probability < 1.0 && failed(site) > 0 && random.nextDouble() >= probability))
            {
                return false;
            }
            failed.get(site).incrementAndGet();
            final Failure how = probability < 1.0 ? Failure.values()[random.nextInt(2)] : failure;
            if (Failure.OUT_OF_MEMORY == how)
            {
                throw new OutOfMemoryError("injected: " + site + " of " + bytes + " bytes");
            }
            return true;
        }
    }

    static Stream<Arguments> variants()
    {
        final List<Arguments> variants = new ArrayList<>();
        for (final ParentKind kind : ParentKind.values())
        {
            for (final Failure failure : Failure.values())
            {
                variants.add(Arguments.of(kind, failure));
            }
        }
        return variants.stream();
    }

    // ------------------------------------------------------------------------------------------
    // Variables already in the store, with their data stamped
    // ------------------------------------------------------------------------------------------

    /** Variables allocated before the fault, each with a stamp in its data. */
    private static final class Existing
    {
        final List<Object> parents = new ArrayList<>();
        final List<Long> addresses = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();

        void add(final ShadowStore store, final ParentKind kind, final Object parent, final int size)
        {
            final long address = kind.alloc(store, parent, ID, size, null, null);
            assertNotEquals(0, address, "setup: " + parent);
            new UnsafeBuffer(address, size).putLong(0, stampOf(parents.size()));
            parents.add(parent);
            addresses.add(address);
            sizes.add(size);
        }

        void assertIntact(final ShadowStore store, final ParentKind kind, final String when)
        {
            for (int i = 0; i < parents.size(); i++)
            {
                final Object parent = parents.get(i);
                assertEquals(addresses.get(i), kind.get(store, parent, ID), when + ": variable " + i + " moved or lost");
                final UnsafeBuffer view = new UnsafeBuffer(new byte[1]);
                assertTrue(kind.get(store, parent, ID, view), when + ": variable " + i);
                assertEquals((int)sizes.get(i), view.capacity(), when + ": variable " + i);
                assertEquals(stampOf(i), view.getLong(0), when + ": variable " + i + "'s data changed");
            }
        }

        private static long stampOf(final int i)
        {
            return 0x5EED_0000_0000L + i;
        }
    }

    private static List<Long> counters(final ShadowStore store)
    {
        final ShadowStats stats = store.stats();
        return List.of(stats.liveVariables(), stats.liveBytes(), stats.reservedBytes(), stats.pendingFreeBytes(),
            stats.duplicateAllocs(), stats.failedAllocs());
    }

    private static List<Long> withFailed(final List<Long> counters, final long more)
    {
        final List<Long> expected = new ArrayList<>(counters);
        expected.set(5, counters.get(5) + more);
        return expected;
    }

    /** Allocation attempts of one new variable; each must return 0, run no ctor, and add nothing. */
    private static void assertRefused(
        final ShadowStore store, final ParentKind kind, final Object parent, final int size, final String what)
    {
        final int[] ctorRuns = new int[1];
        final ShadowCtor<Object> ctor = (var, data) ->
        {
            ctorRuns[0]++;
            return 0;
        };
        assertEquals(0, kind.alloc(store, parent, ID, size, null, null), what + ": alloc");
        assertEquals(0, kind.alloc(store, parent, ID, size, ctor, null), what + ": alloc with a ctor");
        assertEquals(0, kind.getOrAlloc(store, parent, ID, size, null, null), what + ": getOrAlloc");
        assertEquals(0, kind.getOrAlloc(store, parent, ID, size, ctor, null), what + ": getOrAlloc with a ctor");
        assertEquals(0, ctorRuns[0], what + ": no ctor runs on a refused allocation");
        assertEquals(0, kind.get(store, parent, ID), what + ": nothing was added");
    }

    /** After the fault clears, the same variable can be allocated and found. */
    private static void assertUsableAgain(
        final ShadowStore store, final ParentKind kind, final Object parent, final int size, final String what)
    {
        final long address = kind.alloc(store, parent, ID, size, null, null);
        assertNotEquals(0, address, what + ": alloc after the fault cleared");
        assertEquals(address, kind.get(store, parent, ID), what);
        assertEquals(address, kind.getOrAlloc(store, parent, ID, size, null, null), what);
        new UnsafeBuffer(address, size).setMemory(0, size, (byte)0x7A);
        assertTrue(kind.free(store, parent, ID, null), what);
    }

    // ------------------------------------------------------------------------------------------
    // A new slab, a dedicated block
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} parents, {1}")
    @MethodSource("variants")
    void shouldReturnZeroAndCountFailedWhenANewSlabIsRefused(final ParentKind kind, final Failure failure)
    {
        final ShadowStore store = track(ShadowStore.builder().segments(1).initialCapacity(64).build());
        final Faults faults = new Faults();
        store.arena().faults(faults);
        final Object[] parents = kind.parents(11);
        final Existing existing = new Existing();
        for (int i = 0; i < 10; i++)
        {
            existing.add(store, kind, parents[i], 8 + 8 * (i % 2));
        }
        final List<Long> before = counters(store);

        // Size 200 is of a class that has no slab yet: the allocator must ask for one.
        faults.fail(failure, Site.SLAB);
        assertRefused(store, kind, parents[10], 200, "new slab " + failure);
        assertTrue(faults.failed(Site.SLAB) >= 4, "every attempt asked for a slab: " + faults.failed(Site.SLAB));
        assertEquals(withFailed(before, 4), counters(store), "[live, liveBytes, reserved, pending, duplicates, failed]");
        existing.assertIntact(store, kind, "after the refused slab");

        faults.clear();
        assertUsableAgain(store, kind, parents[10], 200, "new slab " + failure);
        existing.assertIntact(store, kind, "after the fault cleared");
        assertTrue(counters(store).get(2) > before.get(2), "the slab was reserved once given");
    }

    @ParameterizedTest(name = "{0} parents, {1}")
    @MethodSource("variants")
    void shouldReturnZeroAndCountFailedWhenALargeVariablesDedicatedBlockIsRefused(
        final ParentKind kind, final Failure failure)
    {
        final ShadowStore store = track(ShadowStore.builder().segments(1).build());
        final Faults faults = new Faults();
        store.arena().faults(faults);
        final Object[] parents = kind.parents(4);
        final Existing existing = new Existing();
        existing.add(store, kind, parents[0], 20_000);
        existing.add(store, kind, parents[1], 64);
        final List<Long> before = counters(store);

        faults.fail(failure, Site.DEDICATED);
        assertRefused(store, kind, parents[2], 40_000, "dedicated block " + failure);
        assertEquals(4, faults.failed(Site.DEDICATED));
        assertEquals(withFailed(before, 4), counters(store), "[live, liveBytes, reserved, pending, duplicates, failed]");
        existing.assertIntact(store, kind, "after the refused dedicated block");

        faults.clear();
        assertUsableAgain(store, kind, parents[2], 40_000, "dedicated block " + failure);
        existing.assertIntact(store, kind, "after the fault cleared");
    }

    @ParameterizedTest(name = "{0} parents, {1}")
    @MethodSource("variants")
    void shouldGiveTheDedicatedBlockBackWhenTheSlabForItsHeaderIsRefused(final ParentKind kind, final Failure failure)
    {
        // A fresh store: the large variable's header block needs the first slab of its class, and
        // its dedicated block is already taken when that slab is refused.
        final ShadowStore store = track(ShadowStore.builder().segments(1).build());
        final Faults faults = new Faults();
        store.arena().faults(faults);
        final Object[] parents = kind.parents(1);
        final List<Long> before = counters(store);

        faults.fail(failure, Site.SLAB);
        assertRefused(store, kind, parents[0], 30_000, "header slab " + failure);
        assertEquals(4, faults.asked(Site.DEDICATED), "each attempt took a dedicated block first");
        assertTrue(faults.failed(Site.SLAB) >= 4);
        assertEquals(withFailed(before, 4), counters(store),
            "every dedicated block was given back: [live, liveBytes, reserved, pending, duplicates, failed]");

        faults.clear();
        assertUsableAgain(store, kind, parents[0], 30_000, "header slab " + failure);
    }

    // ------------------------------------------------------------------------------------------
    // Table growth
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} parents, {1}")
    @MethodSource("variants")
    void shouldLeaveTheTableIntactWhenItsGrowthIsRefused(final ParentKind kind, final Failure failure)
    {
        // One segment of 32 slots: it grows when the 20th variable comes (60% load).
        final ShadowStore store = track(ShadowStore.builder().segments(1).initialCapacity(16).build());
        final Faults faults = new Faults();
        store.arena().faults(faults);
        final Object[] parents = kind.parents(40);
        final Existing existing = new Existing();
        for (int i = 0; i < 19; i++)
        {
            existing.add(store, kind, parents[i], 16);
        }
        assertEquals(0, faults.asked(Site.TABLE), "no growth yet");
        final List<Long> before = counters(store);

        faults.fail(failure, Site.TABLE);
        assertRefused(store, kind, parents[19], 16, "table growth " + failure);
        assertEquals(4, faults.failed(Site.TABLE), "every attempt tried to grow the table");
        assertEquals(withFailed(before, 4), counters(store), "[live, liveBytes, reserved, pending, duplicates, failed]");
        existing.assertIntact(store, kind, "after the refused growth");
        // What does not need a larger table still works: getOrAlloc of an existing variable, free.
        assertEquals(existing.addresses.get(3), kind.getOrAlloc(store, parents[3], ID, 16, null, null));
        assertTrue(kind.free(store, parents[18], ID, null));
        existing.parents.remove(18);
        existing.addresses.remove(18);
        existing.sizes.remove(18);
        assertNotEquals(0, kind.alloc(store, parents[19], ID, 16, null, null), "room below the threshold again");
        assertTrue(kind.free(store, parents[19], ID, null));

        faults.clear();
        for (int i = 19; i < 40; i++)
        {
            existing.add(store, kind, parents[i], 16);
        }
        assertEquals(4, faults.failed(Site.TABLE));
        assertTrue(faults.asked(Site.TABLE) > 4, "the table grew once the fault cleared");
        existing.assertIntact(store, kind, "after the table grew");
    }

    @Test
    void shouldRefuseAnObjectParentWhenItsParentsArrayCannotBeMadeAndLeaveLongParentsAlone()
    {
        // One segment of 32 slots, growing at the 20th entry. Its parents array (beside the slots)
        // is made for the first object parent and grows with the slots from then on.
        final ShadowStore store = track(ShadowStore.builder().segments(1).initialCapacity(16).build());
        final Faults faults = new Faults();
        store.arena().faults(faults);
        final Object[] objects = ParentKind.OBJECT.parents(40);
        final Object[] longs = ParentKind.LONG.parents(40);
        final Existing longVars = new Existing();
        final Existing objectVars = new Existing();
        for (int i = 0; i < 4; i++)
        {
            longVars.add(store, ParentKind.LONG, longs[i], 8);
        }

        for (final Failure failure : Failure.values())
        {
            final List<Long> before = counters(store);
            faults.fail(failure, Site.REFS);
            assertRefused(store, ParentKind.OBJECT, objects[0], 8, "first parents array " + failure);
            assertEquals(withFailed(before, 4), counters(store), "[live, liveBytes, reserved, pending, duplicates, failed]");
            final long address = store.alloc((long)longs[4], ID, 8);
            assertNotEquals(0, address, "a long parent needs no parents array");
            assertTrue(store.free((long)longs[4], ID));
        }
        assertEquals(8, faults.failed(Site.REFS));
        longVars.assertIntact(store, ParentKind.LONG, "after the refused parents array");

        faults.clear();
        for (int i = 0; i < 15; i++)
        {
            objectVars.add(store, ParentKind.OBJECT, objects[i], 8);
        }
        // 19 entries: the next one grows the slots, and the parents array with them.
        final List<Long> before = counters(store);
        faults.fail(Failure.REFUSED, Site.REFS);
        assertRefused(store, ParentKind.OBJECT, objects[15], 8, "parents array growth");
        assertEquals(0, store.alloc((long)longs[4], ID, 8), "the slots cannot grow without their parents array");
        assertEquals(withFailed(before, 5), counters(store), "[live, liveBytes, reserved, pending, duplicates, failed]");
        assertEquals(13, faults.failed(Site.REFS));
        assertEquals(5, faults.asked(Site.TABLE), "every attempt tried to grow the slots");
        longVars.assertIntact(store, ParentKind.LONG, "after the refused growth");
        objectVars.assertIntact(store, ParentKind.OBJECT, "after the refused growth");

        faults.clear();
        for (int i = 15; i < 40; i++)
        {
            objectVars.add(store, ParentKind.OBJECT, objects[i], 8);
        }
        longVars.assertIntact(store, ParentKind.LONG, "after the parents array grew");
        objectVars.assertIntact(store, ParentKind.OBJECT, "after the parents array grew");
        for (int i = 0; i < 40; i++)
        {
            assertTrue(store.free(objects[i], ID));
        }
        for (int i = 0; i < 4; i++)
        {
            assertTrue(store.free((long)longs[i], ID));
        }
        assertEquals(0, store.stats().liveVariables());
    }

    // ------------------------------------------------------------------------------------------
    // Random faults under a random workload, against a model
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldStayExactUnderRandomFaultsAtEverySite()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final String replay = "seed " + seed;
        final ShadowStore store = track(ShadowStore.builder().segments(4).initialCapacity(16)
            .reclamation(Reclamation.EPOCH).build());
        final Faults faults = new Faults();
        faults.random = new Random(seed + 1);
        faults.probability = 0.25;
        faults.fail(Failure.REFUSED, Site.SLAB, Site.DEDICATED, Site.TABLE, Site.REFS, Site.SCRATCH);
        store.arena().faults(faults);
        final ShadowReader reader = store.reader(); // frees wait for it: slabs are asked for often

        final long[] longParents = new long[300];
        final Object[] objectParents = new Object[300];
        for (int i = 0; i < 300; i++)
        {
            longParents[i] = 0x10_0000L + 64L * i;
            objectParents[i] = new Object();
        }
        final int[] sizes = {0, 8, 48, 200, 4096, 20_000};
        final Map<Object, long[]> model = new HashMap<>(); // key -> {address, size, stamp}
        long failedExpected = 0;
        long duplicatesExpected = 0;
        long refusals = 0;
        for (int step = 0; step < 20_000; step++)
        {
            final int which = random.nextInt(300);
            final boolean object = random.nextBoolean();
            final Object parent = object ? objectParents[which] : longParents[which];
            final ParentKind kind = object ? ParentKind.OBJECT : ParentKind.LONG;
            final long id = random.nextInt(3);
            final Object key = List.of(object, which, id);
            final long[] known = model.get(key);
            final String what = replay + ", step " + step;
            final int op = random.nextInt(10);
            if (op < 4)
            {
                final int size = sizes[random.nextInt(sizes.length)];
                final boolean getOrAlloc = random.nextBoolean();
                final long address = getOrAlloc ? kind.getOrAlloc(store, parent, id, size, null, null) :
                    kind.alloc(store, parent, id, size, null, null);
                if (null != known)
                {
                    assertEquals(getOrAlloc ? known[0] : 0, address, what + ": existing variable");
                    duplicatesExpected += getOrAlloc ? 0 : 1;
                }
                else if (0 == address)
                {
                    failedExpected++;
                    refusals++;
                }
                else
                {
                    final long stamp = random.nextLong();
                    if (size >= 8)
                    {
                        assertEquals(0, new UnsafeBuffer(address, size).getLong(0), what + ": zeroed");
                        new UnsafeBuffer(address, size).putLong(0, stamp);
                    }
                    model.put(key, new long[]{address, size, stamp});
                }
            }
            else if (op < 6)
            {
                assertEquals(null != known, kind.free(store, parent, id, null), what + ": free");
                model.remove(key);
            }
            else if (op == 6 && random.nextInt(25) == 0)
            {
                // freeAll unlinks in one pass, or one by one when its scratch is refused.
                final long expected = model.keySet().stream().filter(k -> ((List<?>)k).get(2).equals(id)).count();
                assertEquals(expected, store.freeAll(id), what + ": freeAll");
                model.keySet().removeIf(k -> ((List<?>)k).get(2).equals(id));
            }
            else
            {
                final long address = kind.get(store, parent, id);
                assertEquals(null == known ? 0 : known[0], address, what + ": get");
                if (null != known && known[1] >= 8)
                {
                    assertEquals(known[2], new UnsafeBuffer(address, (int)known[1]).getLong(0), what + ": data");
                }
            }
            if (step % 500 == 0)
            {
                reader.enter(); // hold some frees back for a while, then let them go
            }
            else if (step % 500 == 250)
            {
                reader.exit();
            }
        }
        reader.close();
        assertTrue(refusals > 10, replay + ": the faults refused only " + refusals + " allocations");
        for (final Site site : Site.values())
        {
            assertTrue(faults.failed(site) > 0, replay + ": no fault at " + site);
        }
        final ShadowStats stats = store.stats();
        assertEquals(model.size(), stats.liveVariables(), replay);
        assertEquals(model.values().stream().mapToLong(v -> v[1]).sum(), stats.liveBytes(), replay);
        assertEquals(failedExpected, stats.failedAllocs(), replay);
        assertEquals(duplicatesExpected, stats.duplicateAllocs(), replay);

        faults.clear();
        for (int id = 0; id < 3; id++)
        {
            store.freeAll(id);
        }
        final ShadowStats empty = store.stats();
        assertEquals(0, empty.liveVariables(), replay);
        assertEquals(0, empty.pendingFreeBytes(), replay);
        // NativeMemoryBaseline: after close, native memory is back where it was.
    }
}
