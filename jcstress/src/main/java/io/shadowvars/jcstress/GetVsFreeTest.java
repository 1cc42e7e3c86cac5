package io.shadowvars.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static io.shadowvars.jcstress.Fixtures.EPOCH;

/**
 * Guarantee 3: {@code get} outside any read section, racing a {@code free} of its key followed
 * by an allocation of the same size (which takes the freed block at once: no reader is in a
 * section), returns the variable's own address or 0, never another key's block.
 */
@JCStressTest
@Outcome(id = "1", expect = Expect.ACCEPTABLE, desc = "found the variable before the free")
@Outcome(id = "0", expect = Expect.ACCEPTABLE, desc = "absent: after the free")
@Outcome(id = "2", expect = Expect.FORBIDDEN, desc = "returned an address that is not this variable's")
@State
public class GetVsFreeTest
{
    private final long parent = Fixtures.uniqueParent();
    // In the parent's segment: the freed block returns to that segment's allocator only.
    private final long other = Fixtures.parentInSegmentOf(EPOCH, parent);
    private final long address = EPOCH.alloc(parent, 1, 16);

    @Actor
    public void freer()
    {
        EPOCH.free(parent, 1);
        EPOCH.alloc(other, 1, 16);
    }

    @Actor
    public void getter(final I_Result r)
    {
        final long found = EPOCH.get(parent, 1);
        r.r1 = 0 == found ? 0 : found == address ? 1 : 2;
    }

    @Arbiter
    public void arbiter()
    {
        EPOCH.free(other, 1);
    }
}
