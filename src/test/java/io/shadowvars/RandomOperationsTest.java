package io.shadowvars;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A seeded stream of 1,000,000 mixed operations per reclamation mode, checked step by step against
 * a {@link HashMap} model: addresses, zeroed data, data written through earlier addresses, return
 * values and every counter. Replay a failure with {@code -Dshadowvars.seed=<seed>} (the seed is in
 * every assertion message).
 */
class RandomOperationsTest extends NativeMemoryBaseline
{
    private static final int OPERATIONS = Integer.getInteger("shadowvars.randomOps", 1_000_000);
    private static final int LONG_PARENTS = 48;
    private static final int OBJECT_PARENTS = 48;
    private static final int IDS = 6;

    /** A model entry: where the variable lives, its size, and the stamp written into it. */
    private static final class Entry
    {
        final long address;
        final int size;
        final long stamp;

        Entry(final long address, final int size, final long stamp)
        {
            this.address = address;
            this.size = size;
            this.stamp = stamp;
        }
    }

    /** A model key: either parent kind. */
    private record Key(long parent, Object object, long id)
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Key k && k.parent == parent && k.object == object && k.id == id;
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(parent, System.identityHashCode(object), id);
        }
    }

    /** Reusable ctor data. */
    private static final class CtorData
    {
        long stamp;
        boolean refuse;
    }

    private static final ShadowCtor<CtorData> CTOR = (var, data) ->
    {
        if (data.refuse)
        {
            return -1;
        }
        if (var.size() >= 8)
        {
            var.data().putLong(0, data.stamp);
        }
        return 0;
    };

    @ParameterizedTest
    @EnumSource(Reclamation.class)
    void shouldMatchAHashMapModelOverAMillionRandomOperations(final Reclamation reclamation)
    {
        runSeeded(reclamation, false);
    }

    /** The same stream with weak object parents (rule 11): the model keeps every parent alive. */
    @org.junit.jupiter.api.Test
    void shouldMatchAHashMapModelWithWeakObjectParents()
    {
        runSeeded(Reclamation.EPOCH, true);
    }

    private void runSeeded(final Reclamation reclamation, final boolean weak)
    {
        final long seed = Long.getLong("shadowvars.seed", System.nanoTime());
        final String replay = "replay with -Dshadowvars.seed=" + seed + " (" + reclamation + (weak ? ", weak" : "") + ")";
        final Logger logger = Logger.getLogger("io.shadowvars");
        final Level level = logger.getLevel();
        logger.setLevel(Level.OFF); // duplicates are expected here by the hundred thousand
        try
        {
            run(reclamation, weak, new SplittableRandom(seed), replay);
        }
        catch (final AssertionError | RuntimeException ex)
        {
            System.err.println("RandomOperationsTest failed: " + replay);
            throw ex;
        }
        finally
        {
            logger.setLevel(level);
        }
    }

    private void run(final Reclamation reclamation, final boolean weak, final SplittableRandom random, final String replay)
    {
        final ShadowStore store = track(ShadowStore.builder().weakObjectParents(weak)
            .reclamation(reclamation).checked(true).initialCapacity(4).build());
        final ShadowReader reader = store.reader();
        final Object[] objects = ParentKind.OBJECT.parents(OBJECT_PARENTS);
        final Map<Key, Entry> model = new HashMap<>();
        final CtorData ctorData = new CtorData();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        long duplicates = 0;
        long failed = 0;
        boolean inSection = false;

        for (int step = 0; step < OPERATIONS; step++)
        {
            final String where = replay + ", step " + step;
            final boolean objectParent = random.nextBoolean();
            final long parent = objectParent ? 0 : 0x7000_0000L + 64L * (1 + random.nextInt(LONG_PARENTS));
            final Object object = objectParent ? objects[random.nextInt(OBJECT_PARENTS)] : null;
            final long id = random.nextInt(IDS) - 1;
            final Key key = new Key(parent, object, id);
            final Entry existing = model.get(key);
            final int size = randomSize(random);
            final int op = random.nextInt(100);

            if (op < 30)
            {
                final long address = objectParent ? store.get(object, id) : store.get(parent, id);
                assertEquals(null == existing ? 0 : existing.address, address, where);
                checkStamp(existing, where);
            }
            else if (op < 35)
            {
                final boolean found = objectParent ? store.get(object, id, view) : store.get(parent, id, view);
                assertEquals(null != existing, found, where);
                if (found)
                {
                    assertEquals(existing.address, view.addressOffset(), where);
                    assertEquals(existing.size, view.capacity(), where);
                }
            }
            else if (op < 70)
            {
                final boolean getOrAlloc = op >= 52;
                final boolean useCtor = random.nextBoolean();
                ctorData.stamp = random.nextLong();
                ctorData.refuse = useCtor && random.nextInt(10) == 0;
                final long address;
                if (getOrAlloc)
                {
                    address = objectParent ?
                        store.getOrAlloc(object, id, size, useCtor ? CTOR : null, ctorData) :
                        store.getOrAlloc(parent, id, size, useCtor ? CTOR : null, ctorData);
                }
                else
                {
                    address = objectParent ?
                        store.alloc(object, id, size, useCtor ? CTOR : null, ctorData) :
                        store.alloc(parent, id, size, useCtor ? CTOR : null, ctorData);
                }
                if (null != existing)
                {
                    assertEquals(getOrAlloc ? existing.address : 0, address, where);
                    duplicates += getOrAlloc ? 0 : 1;
                    checkStamp(existing, where);
                }
                else if (ctorData.refuse)
                {
                    assertEquals(0, address, where);
                    failed++;
                }
                else
                {
                    assertNotEquals(0, address, where);
                    final UnsafeBuffer data = new UnsafeBuffer(address, size);
                    final long stamp;
                    if (useCtor)
                    {
                        stamp = ctorData.stamp;
                    }
                    else
                    {
                        for (int i = 0; i < size; i++)
                        {
                            assertEquals(0, data.getByte(i), where + ": data must be zeroed, byte " + i);
                        }
                        stamp = random.nextLong();
                        if (size >= 8)
                        {
                            data.putLong(0, stamp);
                        }
                    }
                    model.put(key, new Entry(address, size, stamp));
                }
            }
            else if (op < 98)
            {
                final boolean freed = objectParent ? store.free(object, id) : store.free(parent, id);
                assertEquals(null != existing, freed, where);
                model.remove(key);
            }
            else if (op < 99)
            {
                int expected = 0;
                for (final Iterator<Key> it = model.keySet().iterator(); it.hasNext(); )
                {
                    if (it.next().id == id)
                    {
                        it.remove();
                        expected++;
                    }
                }
                final List<Long> dtorIds = new ArrayList<>();
                assertEquals(expected, store.freeAll(id, var -> dtorIds.add(var.id())), where);
                assertEquals(expected, dtorIds.size(), where);
            }
            else
            {
                if (Reclamation.QSBR == reclamation)
                {
                    reader.quiescent();
                }
                else if (inSection)
                {
                    reader.exit();
                    inSection = false;
                }
                else
                {
                    reader.enter();
                    inSection = true;
                }
            }

            if ((step & 0xFFF) == 0)
            {
                checkStats(store, model, duplicates, failed, where);
            }
        }
        if (inSection)
        {
            reader.exit();
        }
        checkStats(store, model, duplicates, failed, replay + ", end");
        reader.close();
    }

    private static int randomSize(final SplittableRandom random)
    {
        final int pick = random.nextInt(1000);
        if (pick < 5)
        {
            return 16 * 1024 + random.nextInt(8 * 1024);
        }
        if (pick < 100)
        {
            return random.nextInt(2000);
        }
        return random.nextInt(65);
    }

    private static void checkStamp(final Entry entry, final String where)
    {
        if (null != entry && entry.size >= 8)
        {
            assertEquals(entry.stamp, new UnsafeBuffer(entry.address, 8).getLong(0), where + ": data changed");
        }
    }

    private static void checkStats(
        final ShadowStore store, final Map<Key, Entry> model, final long duplicates, final long failed, final String where)
    {
        final ShadowStats stats = store.stats();
        long bytes = 0;
        for (final Entry entry : model.values())
        {
            bytes += entry.size;
        }
        assertEquals(model.size(), stats.liveVariables(), where + ": liveVariables");
        assertEquals(bytes, stats.liveBytes(), where + ": liveBytes");
        assertEquals(duplicates, stats.duplicateAllocs(), where + ": duplicateAllocs");
        assertEquals(failed, stats.failedAllocs(), where + ": failedAllocs");
    }
}
