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
 * Guarantee 12: {@code freeAll(id)} is atomic with respect to the other writers (contract rule 5),
 * although they lock one segment each. Before the race the store holds {@code <a, id>} in the
 * first segment and {@code <b, id>} in the last. Then one thread allocates {@code <p1, id>} and
 * after it {@code <p2, id>}, while another runs {@code freeAll(id)} with a destructor that records
 * which variables it freed. An atomic {@code freeAll} frees all of {@code a} and {@code b} and a
 * prefix of the allocating thread's program order: nothing, {@code p1}, or both. Freeing only one
 * of {@code a} and {@code b}, or {@code p2} while {@code p1} survives (it saw the second
 * allocation but not the first), is forbidden; so is a return value that disagrees with the
 * destructor calls or with the variables missing afterwards.
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
 * goes up the segment indexes, so {@link P1InLowerSegment} is the layout that would show it
 * ({@value #SEGMENTS} segments, so that the walk crosses four between them);
 * {@link P1InHigherSegment} covers a walk that went down. A walk that missed a segment would
 * leave {@code a} or {@code b}.
 *
 * <p>Results, each variable a bit ({@code a} 1, {@code b} 2, {@code p1} 4, {@code p2} 8):
 * {@code r1} what {@code freeAll} returned, {@code r2} the variables that survive it, {@code r3}
 * the variables its destructor saw, {@code r4} how many times its destructor ran.
 */
public class FreeAllAtomicityTest
{
    static final int SEGMENTS = 8;
    static final ShadowStore STORE = ShadowStore.builder().segments(SEGMENTS).initialCapacity(64).build();

    /** The actors and arbiter both layouts share. */
    abstract static class Race
    {
        final long id = Fixtures.uniqueId();
        final long a = Fixtures.parentInSegment(0, SEGMENTS);
        final long b = Fixtures.parentInSegment(SEGMENTS - 1, SEGMENTS);
        final long p1;
        final long p2;
        final ShadowDtor record;
        int seen;
        int calls;

        Race(final int segment1, final int segment2)
        {
            p1 = Fixtures.parentInSegment(segment1, SEGMENTS);
            p2 = Fixtures.parentInSegment(segment2, SEGMENTS);
            record = var ->
            {
                calls++;
                seen |= bit(var.parent());
            };
            STORE.alloc(a, id, 8);
            STORE.alloc(b, id, 8);
        }

        private int bit(final long parent)
        {
            return parent == a ? 1 : parent == b ? 2 : parent == p1 ? 4 : parent == p2 ? 8 : 16;
        }

        void allocBoth()
        {
            STORE.alloc(p1, id, 8);
            STORE.alloc(p2, id, 8);
        }

        void freeAll(final IIII_Result r)
        {
            r.r1 = STORE.freeAll(id, record);
            r.r3 = seen;
            r.r4 = calls;
        }

        void check(final IIII_Result r)
        {
            int survivors = 0;
            for (final long parent : new long[] {a, b, p1, p2})
            {
                if (STORE.free(parent, id))
                {
                    survivors |= bit(parent);
                }
            }
            r.r2 = survivors;
        }
    }

    /** {@code p1} in segment 1, {@code p2} in segment 6: the order an upward walk would expose. */
    @JCStressTest
    @Outcome(id = "2, 12, 3, 2", expect = Expect.ACCEPTABLE, desc = "freeAll before both allocs: freed a and b")
    @Outcome(id = "3, 8, 7, 3", expect = Expect.ACCEPTABLE, desc = "freeAll between the allocs: freed a, b, p1")
    @Outcome(id = "4, 0, 15, 4", expect = Expect.ACCEPTABLE, desc = "freeAll after both allocs: freed all four")
    @Outcome(id = "3, 4, 11, 3", expect = Expect.FORBIDDEN,
        desc = "freeAll freed p2 but not p1: it saw the second alloc without the first (not atomic)")
    @Outcome(expect = Expect.FORBIDDEN,
        desc = "freeAll left a or b, or its count, its dtor calls and the survivors disagree")
    @State
    public static class P1InLowerSegment extends Race
    {
        public P1InLowerSegment()
        {
            super(1, SEGMENTS - 2);
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

    /** {@code p1} in segment 6, {@code p2} in segment 1: the order a downward walk would expose. */
    @JCStressTest
    @Outcome(id = "2, 12, 3, 2", expect = Expect.ACCEPTABLE, desc = "freeAll before both allocs: freed a and b")
    @Outcome(id = "3, 8, 7, 3", expect = Expect.ACCEPTABLE, desc = "freeAll between the allocs: freed a, b, p1")
    @Outcome(id = "4, 0, 15, 4", expect = Expect.ACCEPTABLE, desc = "freeAll after both allocs: freed all four")
    @Outcome(id = "3, 4, 11, 3", expect = Expect.FORBIDDEN,
        desc = "freeAll freed p2 but not p1: it saw the second alloc without the first (not atomic)")
    @Outcome(expect = Expect.FORBIDDEN,
        desc = "freeAll left a or b, or its count, its dtor calls and the survivors disagree")
    @State
    public static class P1InHigherSegment extends Race
    {
        public P1InHigherSegment()
        {
            super(SEGMENTS - 2, 1);
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
