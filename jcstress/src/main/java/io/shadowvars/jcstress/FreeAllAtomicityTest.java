package io.shadowvars.jcstress;

import io.shadowvars.ShadowDtor;
import io.shadowvars.ShadowStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Guarantee 11: {@code freeAll(id)} is atomic with respect to the other writers (contract rule 5),
 * although they lock one segment each. One thread allocates {@code <p1, id>} and then
 * {@code <p2, id>}; another runs {@code freeAll(id)} with a destructor that records which parents
 * it freed. An atomic {@code freeAll} sees a prefix of the allocating thread's program order:
 * nothing, {@code p1}, or both. Freeing {@code p2} while {@code p1} survives means it saw the
 * second allocation but not the first: forbidden.
 *
 * <p><b>Why it holds.</b> {@code freeAll} takes every segment's lock, in index order, before it
 * frees anything and gives them back only after its walk. Each allocation holds its segment's
 * lock from its look-up to its insert, so it happens wholly before or wholly after the
 * {@code freeAll}; the allocating thread's two allocations are in program order, so if the second
 * is before the {@code freeAll} the first is too.
 *
 * <p><b>What would break it.</b> A walk that took and gave back each segment's lock in turn could
 * pass {@code p1}'s segment before the first allocation and reach {@code p2}'s after the second,
 * freeing {@code p2} alone; that needs {@code p1}'s segment to come first in the walk. The walk
 * goes up the segment indexes, so {@link P1InLowerSegment} is the layout that would show it;
 * {@link P1InHigherSegment} covers a walk that went down.
 *
 * <p>Results: {@code r1} what {@code freeAll} returned, {@code r2} and {@code r3} whether
 * {@code p1} and {@code p2} survive, {@code r4} what the destructor saw (bit 0 {@code p1}, bit 1
 * {@code p2}). Counts must agree: the return value is the number of destructor calls and of
 * variables missing afterwards.
 */
public class FreeAllAtomicityTest
{
    static final int SEGMENTS = 4;
    static final ShadowStore STORE = ShadowStore.builder().segments(SEGMENTS).initialCapacity(64).build();

    /** The actors and arbiter both layouts share. */
    abstract static class Race
    {
        final long id = Fixtures.uniqueId();
        final long p1;
        final long p2;
        final ShadowDtor record;
        int seen;

        Race(final int segment1, final int segment2)
        {
            p1 = Fixtures.parentInSegment(segment1, SEGMENTS);
            p2 = Fixtures.parentInSegment(segment2, SEGMENTS);
            record = var -> seen |= var.parent() == p1 ? 1 : var.parent() == p2 ? 2 : 4;
        }

        void allocBoth()
        {
            STORE.alloc(p1, id, 8);
            STORE.alloc(p2, id, 8);
        }

        void freeAll(final IIII_Result r)
        {
            r.r1 = STORE.freeAll(id, record);
            r.r4 = seen;
        }

        void check(final IIII_Result r)
        {
            r.r2 = 0 != STORE.get(p1, id) ? 1 : 0;
            r.r3 = 0 != STORE.get(p2, id) ? 1 : 0;
            STORE.free(p1, id);
            STORE.free(p2, id);
        }
    }

    /** {@code p1} in segment 0, {@code p2} in segment 3: the order an upward walk would expose. */
    @JCStressTest
    @Outcome(id = "0, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "freeAll before both allocs: freed nothing")
    @Outcome(id = "1, 0, 1, 1", expect = Expect.ACCEPTABLE, desc = "freeAll between the allocs: freed p1")
    @Outcome(id = "2, 0, 0, 3", expect = Expect.ACCEPTABLE, desc = "freeAll after both allocs: freed both")
    @Outcome(id = "1, 1, 0, 2", expect = Expect.FORBIDDEN,
        desc = "freeAll freed p2 but not p1: it saw the second alloc without the first (not atomic)")
    @Outcome(expect = Expect.FORBIDDEN,
        desc = "freeAll's count, its dtor calls and the variables missing afterwards disagree")
    @State
    public static class P1InLowerSegment extends Race
    {
        public P1InLowerSegment()
        {
            super(0, SEGMENTS - 1);
        }

        @Actor
        public void allocator()
        {
            allocBoth();
        }

        @Actor
        public void freer(final IIII_Result r)
        {
            freeAll(r);
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            check(r);
        }
    }

    /** {@code p1} in segment 3, {@code p2} in segment 0: the order a downward walk would expose. */
    @JCStressTest
    @Outcome(id = "0, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "freeAll before both allocs: freed nothing")
    @Outcome(id = "1, 0, 1, 1", expect = Expect.ACCEPTABLE, desc = "freeAll between the allocs: freed p1")
    @Outcome(id = "2, 0, 0, 3", expect = Expect.ACCEPTABLE, desc = "freeAll after both allocs: freed both")
    @Outcome(id = "1, 1, 0, 2", expect = Expect.FORBIDDEN,
        desc = "freeAll freed p2 but not p1: it saw the second alloc without the first (not atomic)")
    @Outcome(expect = Expect.FORBIDDEN,
        desc = "freeAll's count, its dtor calls and the variables missing afterwards disagree")
    @State
    public static class P1InHigherSegment extends Race
    {
        public P1InHigherSegment()
        {
            super(SEGMENTS - 1, 0);
        }

        @Actor
        public void allocator()
        {
            allocBoth();
        }

        @Actor
        public void freer(final IIII_Result r)
        {
            freeAll(r);
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            check(r);
        }
    }
}
