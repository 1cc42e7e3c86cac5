package io.shadowvars.jmh;

import io.shadowvars.ShadowStore;
import java.util.Arrays;
import java.util.Random;
import java.util.WeakHashMap;
import org.agrona.UnsafeApi;

/**
 * A second opinion on {@link GetHitObjectBenchmark} at 1M for a noisy machine: one JVM holds a
 * store and a {@code WeakHashMap} over the same object parents and times them in alternating
 * rounds of 4M random lookups each, so a slow phase of the machine (memory placement, a
 * neighbour) hits both and their ratio stays readable. Prints the median of the last eight rounds
 * of each and their ratio. Not a JMH benchmark: use it beside one, never instead.
 *
 * <pre>
 * java $JMH_JVM_FLAGS -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp jmh/target/benchmarks.jar \
 *   io.shadowvars.jmh.ObjectGetProbe [variables] [strong|weak]
 * </pre>
 */
public final class ObjectGetProbe
{
    private static final int ROUNDS = 12;
    private static final int WARM_ROUNDS = 4;
    private static final int LOOKUPS = 4_000_000;

    private ObjectGetProbe()
    {
    }

    /**
     * Run the probe.
     *
     * @param args optional variable count (default 1,000,000) and "weak" for a store with weak
     *             object parents.
     */
    public static void main(final String[] args)
    {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final boolean weak = args.length > 1 && "weak".equals(args[1]);
        final Keys.Parent[] parents = Keys.objectParents(n);
        final WeakHashMap<Object, long[]> map = new WeakHashMap<>();
        try (ShadowStore store = ShadowStore.builder().initialCapacity(n).weakObjectParents(weak).build())
        {
            for (int i = 0; i < n; i++)
            {
                UnsafeApi.putLong(store.alloc(parents[i], Keys.ID, Keys.RECORD_SIZE), i);
                map.put(parents[i], new long[] {i, 0});
            }
            final int mask = Integer.highestOneBit(n) - 1;
            final int[] order = new int[mask + 1];
            final Random random = new Random(BenchmarkBase.SEED);
            for (int i = 0; i <= mask; i++)
            {
                order[i] = random.nextInt(n);
            }
            System.gc();
            final double[] storeNs = new double[ROUNDS];
            final double[] mapNs = new double[ROUNDS];
            long sum = 0;
            for (int round = 0; round < ROUNDS; round++)
            {
                final long start = System.nanoTime();
                for (int k = 0; k < LOOKUPS; k++)
                {
                    sum += UnsafeApi.getLong(store.get(parents[order[k & mask]], Keys.ID));
                }
                final long middle = System.nanoTime();
                for (int k = 0; k < LOOKUPS; k++)
                {
                    sum += map.get(parents[order[k & mask]])[0];
                }
                final long end = System.nanoTime();
                storeNs[round] = (middle - start) / (double)LOOKUPS;
                mapNs[round] = (end - middle) / (double)LOOKUPS;
            }
            final double storeMedian = median(storeNs);
            final double mapMedian = median(mapNs);
            System.out.printf("%s parents, %d variables: shadowvars %.1f ns, WeakHashMap %.1f ns, ratio %.2f " +
                "(checksum %d)%n", weak ? "weak" : "strong", n, storeMedian, mapMedian, storeMedian / mapMedian, sum);
        }
    }

    private static double median(final double[] rounds)
    {
        final double[] measured = Arrays.copyOfRange(rounds, WARM_ROUNDS, rounds.length);
        Arrays.sort(measured);
        return (measured[measured.length / 2 - 1] + measured[measured.length / 2]) / 2;
    }
}
