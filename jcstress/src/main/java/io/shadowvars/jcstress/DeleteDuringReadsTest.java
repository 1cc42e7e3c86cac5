package io.shadowvars.jcstress;

import io.shadowvars.ShadowStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Guarantee 6: deletion by backward shift never makes a reader miss another key. Five keys share
 * one home slot, so they form one cluster; freeing the first shifts the other four back by one
 * slot while a reader looks for the last two.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "both remaining keys found while the cluster shifted")
@Outcome(expect = Expect.FORBIDDEN, desc = "a key that was never freed was missed")
@State
public class DeleteDuringReadsTest
{
    private static final long[] CLUSTER = Fixtures.collidingParents(5, 16, 1);

    // One segment: the keys must share one table (and, here, one cluster or one growth).
    private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(8).build();

    public DeleteDuringReadsTest()
    {
        for (final long parent : CLUSTER)
        {
            store.alloc(parent, 1, 8);
        }
    }

    @Actor
    public void deleter()
    {
        store.free(CLUSTER[0], 1);
    }

    @Actor
    public void reader(final II_Result r)
    {
        r.r1 = 0 != store.get(CLUSTER[4], 1) ? 1 : 0;
        r.r2 = 0 != store.get(CLUSTER[3], 1) ? 1 : 0;
    }

    @Arbiter
    public void arbiter()
    {
        store.close();
    }
}
