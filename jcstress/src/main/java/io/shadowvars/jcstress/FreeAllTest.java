package io.shadowvars.jcstress;

import io.shadowvars.ShadowStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee 8: {@code freeAll(id)} concurrent with {@code get} and {@code alloc} of another id
 * frees exactly the variables of its id, while the other id's variables stay findable and new
 * ones can be added. Each state has its own small store.
 */
@JCStressTest
@Outcome(id = "3, 1, 1", expect = Expect.ACCEPTABLE, desc = "freeAll freed its 3; the other id was found and allocated")
@Outcome(expect = Expect.FORBIDDEN, desc = "freeAll freed the wrong set, or disturbed the other id")
@State
public class FreeAllTest
{
    private final ShadowStore store = ShadowStore.builder().segments(8).initialCapacity(16).build();

    public FreeAllTest()
    {
        for (long parent = 64; parent <= 3 * 64; parent += 64)
        {
            store.alloc(parent, 1, 8);
            store.alloc(parent, 2, 8);
        }
    }

    @Actor
    public void freeAll(final III_Result r)
    {
        r.r1 = store.freeAll(1);
    }

    @Actor
    public void other(final III_Result r)
    {
        r.r2 = 0 != store.get(2 * 64L, 2) && 0 != store.get(3 * 64L, 2) ? 1 : 0;
        r.r3 = 0 != store.alloc(9 * 64L, 2, 8) ? 1 : 0;
    }

    @Arbiter
    public void arbiter()
    {
        store.close();
    }
}
