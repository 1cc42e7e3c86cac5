package io.shadowvars.jcstress;

import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee 6 for a delete that moves nothing: readers must find every other key while a slot of
 * their cluster is cleared. Key A has home slot 3, keys B and C home slot 4, inserted in that
 * order, so they sit in slots 3, 4 and 5; freeing A moves neither B nor C (their homes lie after
 * A's slot), while a reader looks for C, B and A. (A store that skipped the version bump for such
 * deletes must still pass this; DeleteDuringReadsTest covers the shifting case.)
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "B and C found; A found before its free")
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "B and C found; A absent after its free")
@Outcome(expect = Expect.FORBIDDEN, desc = "a key that was never freed was missed")
@State
public class DeleteWithoutShiftDuringReadsTest
{
    private static final long A = Fixtures.parentsWithHome(1, 16, 1, 3, 64)[0];
    private static final long[] B_AND_C = Fixtures.parentsWithHome(2, 16, 1, 4, 64);

    // One segment, a table of 16 slots: the keys must share one table.
    private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(8).build();
    // A registered reader (never in a section here): the freed block waits for a grace period.
    private final ShadowReader registered = store.reader();

    public DeleteWithoutShiftDuringReadsTest()
    {
        store.alloc(A, 1, 8);
        store.alloc(B_AND_C[0], 1, 8);
        store.alloc(B_AND_C[1], 1, 8);
    }

    @Actor
    public void deleter()
    {
        store.free(A, 1);
    }

    @Actor
    public void reader(final III_Result r)
    {
        r.r1 = 0 != store.get(B_AND_C[1], 1) ? 1 : 0;
        r.r2 = 0 != store.get(B_AND_C[0], 1) ? 1 : 0;
        r.r3 = 0 != store.get(A, 1) ? 1 : 0;
    }

    @Arbiter
    public void arbiter()
    {
        registered.close();
        store.close();
    }
}
