package io.shadowvars.jmh;

import java.util.SplittableRandom;

/**
 * The keys every benchmark uses: distinct 64-byte-aligned long parents (as pooled buffer addresses
 * are), plain Java objects as object parents, and a shuffled visiting order so that lookups go in
 * random order over the live keys. Seeded, so every implementation sees the same keys in the same
 * order.
 */
public final class Keys
{
    /** The shadow id every benchmark variable uses (one per parent; below 64, see AgronaSlabTable). */
    public static final long ID = 1;

    /** Record size every implementation holds per key: two longs. */
    public static final int RECORD_SIZE = 16;

    private static final long BASE = 0x7f3a_0000_0000L;

    private Keys()
    {
    }

    /**
     * Distinct 64-byte-aligned parent addresses (never dereferenced).
     *
     * @param n how many.
     * @return parents, in allocation order.
     */
    public static long[] longParents(final int n)
    {
        return longParents(n, 0);
    }

    /**
     * Distinct 64-byte-aligned parent addresses (never dereferenced), from the {@code first}-th
     * on: calls with disjoint ranges {@code [first, first + n)} give disjoint parents, so threads
     * can each own theirs.
     *
     * @param n     how many.
     * @param first index of the first one in the sequence {@link #longParents(int)} starts.
     * @return parents, in allocation order.
     */
    public static long[] longParents(final int n, final long first)
    {
        final long[] parents = new long[n];
        for (int i = 0; i < n; i++)
        {
            parents[i] = BASE + 64L * (first + i);
        }
        return parents;
    }

    /**
     * Plain parent objects.
     *
     * @param n how many.
     * @return parents.
     */
    public static Parent[] objectParents(final int n)
    {
        final Parent[] parents = new Parent[n];
        for (int i = 0; i < n; i++)
        {
            parents[i] = new Parent();
        }
        return parents;
    }

    /**
     * A random permutation of {@code 0..n-1}.
     *
     * @param n    size.
     * @param seed seed.
     * @return the permutation.
     */
    public static int[] shuffled(final int n, final long seed)
    {
        final int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * A visiting order of {@code length} (a power of two) random indexes below {@code n}, so a
     * benchmark loop can wrap with a mask.
     *
     * @param n      number of keys.
     * @param length power of two, at least {@code n} when possible.
     * @param seed   seed.
     * @return the indexes.
     */
    public static int[] visitOrder(final int n, final int length, final long seed)
    {
        if (Integer.bitCount(length) != 1)
        {
            throw new IllegalArgumentException("length must be a power of two: " + length);
        }
        final int[] perm = shuffled(n, seed);
        final int[] order = new int[length];
        for (int i = 0; i < length; i++)
        {
            order[i] = perm[i % n];
        }
        return order;
    }

    /**
     * The power of two at or above {@code n}.
     *
     * @param n a positive int.
     * @return the power of two.
     */
    public static int pow2(final int n)
    {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** A parent object: what a pooled order or buffer object would be. */
    public static final class Parent
    {
        /** The floor: the record as a field of the parent itself. */
        public long[] field;
        /** Netty's per-parent attribute map, when that peer is measured. */
        public Object attributes;
        /** Padding, so the object is the size of a small pooled object. */
        public long seq;
    }
}
