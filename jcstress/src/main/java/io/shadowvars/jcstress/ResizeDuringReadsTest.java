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
 * Guarantee 5: readers never miss a present variable while a writer grows the table. Each state
 * has its own small store (16 slots, grows past 9 entries); the writer's allocations make it grow
 * while two keys that are present throughout are looked up.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "both present variables found")
@Outcome(expect = Expect.FORBIDDEN, desc = "a present variable was missed during a resize")
@State
public class ResizeDuringReadsTest
{
    // One segment: the keys must share one table (and, here, one cluster or one growth).
    private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(4).build();

    public ResizeDuringReadsTest()
    {
        for (long parent = 64; parent <= 8 * 64; parent += 64)
        {
            store.alloc(parent, 1, 8);
        }
    }

    @Actor
    public void grower()
    {
        for (long parent = 100 * 64; parent < 108 * 64; parent += 64)
        {
            store.alloc(parent, 1, 8);
        }
    }

    @Actor
    public void reader(final II_Result r)
    {
        r.r1 = 0 != store.get(64L, 1) ? 1 : 0;
        r.r2 = 0 != store.get(8 * 64L, 1) ? 1 : 0;
    }

    @Arbiter
    public void arbiter()
    {
        store.close();
    }
}
