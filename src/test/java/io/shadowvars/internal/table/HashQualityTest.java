package io.shadowvars.internal.table;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;
import java.util.function.IntToLongFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table's hash against the key patterns real parents have: consecutive 64-byte-aligned buffer
 * addresses, page-aligned ones, small consecutive handles, one parent with many ids, identity
 * hashes. Keys are placed with the table's own rule (home slot from the low bits, linear probing,
 * a table at most 60% full) and the probe lengths are checked: a weak hash clusters such keys into
 * long runs, which costs every lookup that lands in them.
 */
class HashQualityTest
{
    private static final int KEYS = 1 << 20;
    private static final int CAPACITY = 1 << 21; // what the table holds 2^20 keys in (60% threshold)

    @ParameterizedTest
    @ValueSource(strings = {"aligned64", "aligned4096", "consecutive", "stride24", "random", "ids",
        "consecutiveIds", "identity"})
    void shouldKeepProbesShortForCommonKeyPatterns(final String pattern)
    {
        final SplittableRandom random = new SplittableRandom(42);
        final Object[] objects = "identity".equals(pattern) ? new Object[KEYS] : null;
        final IntToLongFunction hash;
        switch (pattern)
        {
            case "aligned64":
                hash = i -> ShadowTable.hashLong(0x7f3a_0000_0000L + 64L * i, 1);
                break;
            case "aligned4096":
                hash = i -> ShadowTable.hashLong(0x7f3a_0000_0000L + 4096L * i, 7);
                break;
            case "consecutive":
                hash = i -> ShadowTable.hashLong(i + 1, 0);
                break;
            case "stride24":
                hash = i -> ShadowTable.hashLong(0x10_0000L + 24L * i, 0x1234);
                break;
            case "random":
            {
                final long[] parents = random.longs(KEYS).toArray();
                hash = i -> ShadowTable.hashLong(parents[i] | 1, 3);
                break;
            }
            case "ids":
                // 1024 ids per parent, one per id group (ids that differ above their low two bits).
                hash = i -> ShadowTable.hashLong(0x7f3a_0000_1000L + 64L * (i >>> 10), (i & 1023) * 4L + 1);
                break;
            case "consecutiveIds":
                hash = i -> ShadowTable.hashLong(0x7f3a_0000_1000L + 64L * (i >>> 10), i & 1023);
                break;
            default:
                for (int i = 0; i < KEYS; i++)
                {
                    objects[i] = new Object();
                }
                hash = i -> ShadowTable.hashObject(objects[i], 1);
                break;
        }

        final boolean[] used = new boolean[CAPACITY];
        final int mask = CAPACITY - 1;
        long total = 0;
        int longest = 0;
        for (int i = 0; i < KEYS; i++)
        {
            int index = (int)hash.applyAsLong(i) & mask;
            int distance = 0;
            while (used[index])
            {
                index = (index + 1) & mask;
                distance++;
            }
            used[index] = true;
            total += distance;
            longest = Math.max(longest, distance);
        }
        final double mean = (double)total / KEYS;
        // Uniform hashing at this load (0.5) gives a mean displacement of 0.5 and a longest run of
        // a few dozen; a clustering hash gives means of several and runs of hundreds. A parent's
        // ids 4k..4k+3 are placed on consecutive slots on purpose (ShadowTable.hashLong: a
        // parent's few ids share one or two cache lines), so keys arriving four to a group probe
        // further: about 2 at this load (each step a fingerprint compare, mostly on the same line),
        // and the longest run of 2^20 keys reaches 140-odd slots instead of a few dozen.
        final boolean grouped = "consecutiveIds".equals(pattern);
        assertTrue(mean < (grouped ? 2.5 : 0.75), pattern + ": mean probe distance " + mean);
        assertTrue(longest < (grouped ? 200 : 100), pattern + ": longest probe " + longest);
    }
}
