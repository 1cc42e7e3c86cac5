package io.shadowvars.jcstress;

import io.shadowvars.ShadowStore;
import io.shadowvars.internal.table.ShadowTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Guarantee 8, with {@code freeAll}'s one-pass unlink: six keys of two ids share one home slot,
 * ids alternating, so they form one cluster. {@code freeAll(1)} clears the three of id 1 and moves
 * the three of id 2 back towards home, all in one version window, while a reader looks for the
 * last two of id 2.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "both keys of the other id found while the cluster was re-placed")
@Outcome(expect = Expect.FORBIDDEN, desc = "a key that freeAll did not free was missed")
@State
public class FreeAllShiftDuringReadsTest
{
    private static final int CAPACITY = 16;
    private static final long[] ONES = Fixtures.collidingParents(3, CAPACITY, 1);
    private static final long[] TWOS = collidingTwos();

    // One segment: the keys must share one table and one cluster.
    private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(8).build();

    public FreeAllShiftDuringReadsTest()
    {
        for (int i = 0; i < 3; i++)
        {
            store.alloc(ONES[i], 1, 8);
            store.alloc(TWOS[i], 2, 8);
        }
    }

    /** Parents whose key with id 2 has the home slot {@link Fixtures#collidingParents} gives id 1. */
    private static long[] collidingTwos()
    {
        final int home = (int)ShadowTable.hashLong(ONES[0], 1) & (CAPACITY - 1);
        final long[] found = new long[3];
        int n = 0;
        for (long parent = 64; n < found.length; parent += 64)
        {
            if (((int)ShadowTable.hashLong(parent, 2) & (CAPACITY - 1)) == home)
            {
                found[n++] = parent;
            }
        }
        return found;
    }

    @Actor
    public void freeAll()
    {
        store.freeAll(1);
    }

    @Actor
    public void reader(final II_Result r)
    {
        r.r1 = 0 != store.get(TWOS[2], 2) ? 1 : 0;
        r.r2 = 0 != store.get(TWOS[1], 2) ? 1 : 0;
    }

    @Arbiter
    public void arbiter()
    {
        store.close();
    }
}
