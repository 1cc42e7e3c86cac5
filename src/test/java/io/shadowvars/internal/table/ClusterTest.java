package io.shadowvars.internal.table;

import io.shadowvars.ShadowStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deletes inside one long cluster: every key hashes to the same home slot, so entries sit up to
 * 35 slots from home, past the 31 a slot can record, and backward shifts must fall back to the
 * header for the far ones. And the same for {@code freeAll}, whose one-pass unlink re-places a
 * whole cluster at once.
 */
class ClusterTest
{
    @Test
    void shouldFindEveryRemainingKeyWhileACollidingClusterIsDeletedInRandomOrder()
    {
        final int capacity = 64;
        final List<Long> parents = new ArrayList<>();
        for (long candidate = 64; parents.size() < 36; candidate += 64)
        {
            if (((int)ShadowTable.hashLong(candidate, 1) & (capacity - 1)) == 5)
            {
                parents.add(candidate);
            }
        }
        for (long seed = 0; seed < 20; seed++)
        {
            try (ShadowStore store = ShadowStore.builder().initialCapacity(30).build())
            {
                for (final long parent : parents)
                {
                    assertNotEquals(0, store.alloc(parent, 1, 8));
                }
                final List<Long> shuffled = new ArrayList<>(parents);
                Collections.shuffle(shuffled, new Random(seed));
                // Unbox here: a boxed Long would select the object-parent overloads.
                final long[] order = shuffled.stream().mapToLong(Long::longValue).toArray();
                for (int i = 0; i < order.length; i++)
                {
                    assertTrue(store.free(order[i], 1));
                    for (int j = 0; j < order.length; j++)
                    {
                        assertEquals(j > i, store.get(order[j], 1) != 0, "seed " + seed + " step " + i + " key " + j);
                    }
                }
                assertEquals(0, store.stats().liveVariables());
            }
        }
    }

    @Test
    void shouldKeepEveryOtherIdFindableWhenFreeAllEmptiesAWrappingCluster()
    {
        final int capacity = 64;
        // Keys of two ids whose homes lie in the last six and first four slots: one cluster of 36
        // entries that wraps past the end of the table, entries of both ids interleaved, the far
        // ones more than 31 slots from home.
        final List<long[]> keys = new ArrayList<>();
        for (long candidate = 64; keys.size() < 36; candidate += 64)
        {
            for (long id = 1; id <= 2 && keys.size() < 36; id++)
            {
                final int home = (int)ShadowTable.hashLong(candidate, id) & (capacity - 1);
                if (home >= 58 || home <= 3)
                {
                    keys.add(new long[] {candidate, id});
                }
            }
        }
        for (long seed = 0; seed < 20; seed++)
        {
            try (ShadowStore store = ShadowStore.builder().initialCapacity(30).build())
            {
                final List<long[]> shuffled = new ArrayList<>(keys);
                Collections.shuffle(shuffled, new Random(seed));
                int ones = 0;
                for (final long[] key : shuffled)
                {
                    assertNotEquals(0, store.alloc(key[0], key[1], 8));
                    ones += key[1] == 1 ? 1 : 0;
                }
                final long freeId = 1 + (seed & 1);
                final int expected = freeId == 1 ? ones : keys.size() - ones;
                final List<Long> destroyed = new ArrayList<>();
                assertEquals(expected, store.freeAll(freeId, var -> destroyed.add(var.parent())), "seed " + seed);
                assertEquals(expected, destroyed.size());
                for (final long[] key : keys)
                {
                    assertEquals(key[1] != freeId, store.get(key[0], key[1]) != 0, "seed " + seed + " key " + key[0] + "/" + key[1]);
                    assertEquals(key[1] == freeId, destroyed.contains(key[0]) && key[1] == freeId);
                }
                // The survivors' slots must carry their true distances: free them one by one.
                final List<long[]> rest = new ArrayList<>();
                for (final long[] key : shuffled)
                {
                    if (key[1] != freeId)
                    {
                        rest.add(key);
                    }
                }
                for (int i = 0; i < rest.size(); i++)
                {
                    assertTrue(store.free(rest.get(i)[0], rest.get(i)[1]), "seed " + seed + " free " + i);
                    for (int j = i + 1; j < rest.size(); j++)
                    {
                        assertNotEquals(0, store.get(rest.get(j)[0], rest.get(j)[1]), "seed " + seed + " step " + i + " key " + j);
                    }
                }
                assertEquals(0, store.stats().liveVariables());
            }
        }
    }
}
