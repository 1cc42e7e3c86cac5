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
 * Guarantee 10: writers in parallel. Two threads allocate one variable each at the same time, with
 * a constructor that stamps the parent into the data; afterwards both variables are found, each
 * with its own constructor's data at the address its {@code alloc} returned, and the store counts
 * exactly two. In {@link AllocOnTwoSegments} and {@link GetOrAllocOnTwoSegments} the parents hash
 * to different segments, so the two writers hold different locks, insert into different tables,
 * and carve their first slabs from the shared arena at the same moment; in
 * {@link AllocOnOneSegment} they share one segment and its lock serialises them. Each state has a
 * fresh store of {@value #SEGMENTS} segments, so every allocation also carves a new slab, and
 * {@code stats()} counts this state's variables only.
 *
 * <p>Results: {@code r1}, {@code r2} describe the first and second variable (1 found with its
 * constructor's data at the address its writer got, 0 not found, 2 found with other data or at
 * another address), {@code r3} is {@code stats().liveVariables()}.
 */
public class ParallelWritersTest
{
    static final int SEGMENTS = 4;
    static final long ID = 7;

    /** Parents of two different segments, and a second parent of the first one's segment. */
    static final long SEGMENT_0 = Fixtures.parentInSegment(0, SEGMENTS);
    static final long SEGMENT_1 = Fixtures.parentInSegment(1, SEGMENTS);
    static final long SEGMENT_0_TOO = Fixtures.parentInSegment(0, SEGMENTS);

    /** What both variants share: the store, the two writers' addresses, and the arbiter's check. */
    abstract static class Writers
    {
        final ShadowStore store = ShadowStore.builder().segments(SEGMENTS).initialCapacity(8).build();
        long first;
        long second;

        void check(final long firstParent, final long secondParent, final III_Result r)
        {
            r.r1 = found(firstParent, first);
            r.r2 = found(secondParent, second);
            r.r3 = (int)store.stats().liveVariables();
            store.close();
        }

        private int found(final long parent, final long address)
        {
            final long found = store.get(parent, ID);
            if (0 == found)
            {
                return 0;
            }
            return found == address && Fixtures.read(found) == parent ? 1 : 2;
        }
    }

    /** {@code alloc} with a constructor on parents of two different segments. */
    @JCStressTest
    @Outcome(id = "1, 1, 2", expect = Expect.ACCEPTABLE, desc = "both found with their own ctor's data; two live")
    @Outcome(id = {"0, .*", "1, 0, .*"}, expect = Expect.FORBIDDEN, desc = "a variable was lost")
    @Outcome(id = {"2, .*", "1, 2, .*"}, expect = Expect.FORBIDDEN,
        desc = "a variable has another ctor's data or another address than its writer got")
    @Outcome(expect = Expect.FORBIDDEN, desc = "both found, but liveVariables is not 2")
    @State
    public static class AllocOnTwoSegments extends Writers
    {
        @Actor
        public void first()
        {
            first = store.alloc(SEGMENT_0, ID, 16, Fixtures.STAMP_PARENT, null);
        }

        @Actor
        public void second()
        {
            second = store.alloc(SEGMENT_1, ID, 16, Fixtures.STAMP_PARENT, null);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            check(SEGMENT_0, SEGMENT_1, r);
        }
    }

    /** {@code getOrAlloc} with a constructor (the lock-free miss, then the locked path) on two segments. */
    @JCStressTest
    @Outcome(id = "1, 1, 2", expect = Expect.ACCEPTABLE, desc = "both found with their own ctor's data; two live")
    @Outcome(id = {"0, .*", "1, 0, .*"}, expect = Expect.FORBIDDEN, desc = "a variable was lost")
    @Outcome(id = {"2, .*", "1, 2, .*"}, expect = Expect.FORBIDDEN,
        desc = "a variable has another ctor's data or another address than its writer got")
    @Outcome(expect = Expect.FORBIDDEN, desc = "both found, but liveVariables is not 2")
    @State
    public static class GetOrAllocOnTwoSegments extends Writers
    {
        @Actor
        public void first()
        {
            first = store.getOrAlloc(SEGMENT_0, ID, 16, Fixtures.STAMP_PARENT, null);
        }

        @Actor
        public void second()
        {
            second = store.getOrAlloc(SEGMENT_1, ID, 16, Fixtures.STAMP_PARENT, null);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            check(SEGMENT_0, SEGMENT_1, r);
        }
    }

    /** {@code alloc} with a constructor on two parents of one segment: its lock serialises them. */
    @JCStressTest
    @Outcome(id = "1, 1, 2", expect = Expect.ACCEPTABLE, desc = "both found with their own ctor's data; two live")
    @Outcome(id = {"0, .*", "1, 0, .*"}, expect = Expect.FORBIDDEN, desc = "a variable was lost")
    @Outcome(id = {"2, .*", "1, 2, .*"}, expect = Expect.FORBIDDEN,
        desc = "a variable has another ctor's data or another address than its writer got")
    @Outcome(expect = Expect.FORBIDDEN, desc = "both found, but liveVariables is not 2")
    @State
    public static class AllocOnOneSegment extends Writers
    {
        @Actor
        public void first()
        {
            first = store.alloc(SEGMENT_0, ID, 16, Fixtures.STAMP_PARENT, null);
        }

        @Actor
        public void second()
        {
            second = store.alloc(SEGMENT_0_TOO, ID, 16, Fixtures.STAMP_PARENT, null);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            check(SEGMENT_0, SEGMENT_0_TOO, r);
        }
    }
}
