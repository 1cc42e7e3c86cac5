package io.shadowvars.jcstress;

import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import io.shadowvars.internal.table.ShadowTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * An object parent's entry is found through two loads, the slot and {@code parents[i]} beside it.
 * Two parents P and Q share a home slot and a fingerprint; P's variable is freed and Q's
 * allocated into the same slot while a reader looks for Q's. The reader must never pair the old
 * slot (P's block) with the new parent (Q): that would hand it P's freed block as Q's. The version
 * bump of every object-parent delete is what rules it out: a store that left the version alone
 * for a delete that moves nothing would be exposed here (the window lies between two adjacent
 * loads, so this test rarely reaches it: docs/PERFORMANCE.md, "Deletes without a version bump").
 */
@JCStressTest
@Outcome(id = "0", expect = Expect.ACCEPTABLE, desc = "Q's variable not there yet")
@Outcome(id = "1", expect = Expect.ACCEPTABLE, desc = "Q's own variable")
@Outcome(id = "2", expect = Expect.FORBIDDEN, desc = "P's freed block returned as Q's")
@State
public class ObjectSlotRefillTest
{
    private static final Object[] TWINS = twins();
    private static final Object P = TWINS[0];
    private static final Object Q = TWINS[1];

    // One segment, a table of 16 slots; a registered reader (never in a section) makes the freed
    // block wait for a grace period, so Q's variable gets another block.
    private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(8).build();
    private final ShadowReader registered = store.reader();
    private final long oldAddress = store.alloc(P, 1, 8);

    @Actor
    public void writer()
    {
        store.free(P, 1);
        store.alloc(Q, 1, 8);
    }

    @Actor
    public void reader(final I_Result r)
    {
        final long found = store.get(Q, 1);
        r.r1 = 0 == found ? 0 : found == oldAddress ? 2 : 1;
    }

    @Arbiter
    public void arbiter()
    {
        registered.close();
        store.close();
    }

    /** Two objects whose keys with id 1 have home slot 3 of 16 slots and one fingerprint. */
    private static Object[] twins()
    {
        final java.util.Map<Long, Object> seen = new java.util.HashMap<>();
        while (true)
        {
            final Object candidate = new Object();
            final long hash = ShadowTable.hashObject(candidate, 1);
            if (((int)hash & 15) == 3)
            {
                final Object twin = seen.putIfAbsent(hash >>> ShadowTable.FP_SHIFT, candidate);
                if (null != twin)
                {
                    return new Object[] {twin, candidate};
                }
            }
        }
    }
}
