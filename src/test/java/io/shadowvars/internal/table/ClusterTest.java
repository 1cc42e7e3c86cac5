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
 * header for the far ones.
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
}
