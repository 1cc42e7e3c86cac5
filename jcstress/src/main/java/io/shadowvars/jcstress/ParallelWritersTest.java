package io.shadowvars.jcstress;

import io.shadowvars.ShadowStats;
import io.shadowvars.ShadowStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Guarantee 11: writers in parallel. Two threads write at the same time, each on its own parent,
 * with a constructor that stamps the parent into the data; afterwards each writer's variable is
 * found with its own constructor's data at the address its call returned, and the counts are
 * exact: {@code stats().liveVariables()} is two and {@code stats().reservedBytes()} is what the
 * same calls made one after the other reserve (a segment's first allocation of a size takes a
 * run of blocks from the store's shared slab of that size, whose counter is moved by
 * compare-and-set). In the {@code ...OnTwoSegments} variants the parents hash to different
 * segments, so the writers hold different locks, write different tables, allocators and retire
 * lists, and take their runs from the same shared slab at the same moment (overlapping runs
 * would give both variables one block: one writer would find the other's data); in {@link AllocOnOneSegment} they share a segment and its lock serialises
 * them. Each state has a fresh store of {@value #SEGMENTS} segments with no reader registered, so
 * a freed block is reusable at once (kept in the freeing thread's block cache, or released to its
 * segment's free list), and {@code stats()} counts this state's variables only.
 *
 * <p><b>Why it holds.</b> A writer holds its segment's lock from its look-up to its insert, and a
 * segment's table, allocator, retire list and counters are touched only under that lock; the
 * only state two segments share on this path is the arena, whose reservation is one
 * compare-and-set loop and whose slab list and shared slabs (the cutting of runs) are guarded by
 * its monitor.
 *
 * <p>Results: {@code r1}, {@code r2} describe the first and second writer (1: its variable is found
 * with its constructor's data at the address it got, and, in {@link FreeThenAllocOnTwoSegments},
 * its {@code free} returned true and the freed variable is gone; 0: its variable is not found; 2:
 * found with other data, at another address, or the free went wrong), {@code r3} is
 * {@code stats().liveVariables()}, {@code r4} is 1 when {@code stats().reservedBytes()} equals the
 * sequential figure.
 */
public class ParallelWritersTest
{
    static final int SEGMENTS = 4;
    static final long ID = 7;

    /** Parents of two different segments, and a second parent of each one's segment. */
    static final long SEGMENT_0 = Fixtures.parentInSegment(0, SEGMENTS);
    static final long SEGMENT_1 = Fixtures.parentInSegment(1, SEGMENTS);
    static final long SEGMENT_0_TOO = Fixtures.parentInSegment(0, SEGMENTS);
    static final long SEGMENT_1_TOO = Fixtures.parentInSegment(1, SEGMENTS);

    /** Bytes reserved after one variable on each of two segments, and after two on one segment. */
    static final long RESERVED_TWO_SEGMENTS = sequentialReserved(SEGMENT_0, SEGMENT_1);
    static final long RESERVED_ONE_SEGMENT = sequentialReserved(SEGMENT_0, SEGMENT_0_TOO);

    static ShadowStore newStore()
    {
        return ShadowStore.builder().segments(SEGMENTS).initialCapacity(8).build();
    }

    private static long sequentialReserved(final long firstParent, final long secondParent)
    {
        try (ShadowStore store = newStore())
        {
            store.alloc(firstParent, ID, 16, Fixtures.STAMP_PARENT, null);
            store.alloc(secondParent, ID, 16, Fixtures.STAMP_PARENT, null);
            return store.stats().reservedBytes();
        }
    }

    /** What the variants share: the store, the two writers' addresses, and the arbiter's check. */
    abstract static class Writers
    {
        final ShadowStore store = newStore();
        long first;
        long second;

        void check(final long firstParent, final long secondParent, final long reserved, final IIII_Result r)
        {
            r.r1 = found(firstParent, first);
            r.r2 = found(secondParent, second);
            final ShadowStats stats = store.stats();
            r.r3 = (int)stats.liveVariables();
            r.r4 = stats.reservedBytes() == reserved ? 1 : 0;
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
    @Outcome(id = "1, 1, 2, 1", expect = Expect.ACCEPTABLE, desc = "both found with their own ctor's data; counts exact")
    @Outcome(id = {"0, .*", "1, 0, .*"}, expect = Expect.FORBIDDEN, desc = "a variable was lost")
    @Outcome(id = {"2, .*", "1, 2, .*"}, expect = Expect.FORBIDDEN,
        desc = "a variable has another ctor's data or another address than its writer got")
    @Outcome(expect = Expect.FORBIDDEN, desc = "both found, but liveVariables or reservedBytes is wrong")
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
        public void arbiter(final IIII_Result r)
        {
            check(SEGMENT_0, SEGMENT_1, RESERVED_TWO_SEGMENTS, r);
        }
    }

    /** {@code getOrAlloc} with a constructor (the lock-free miss, then the locked path) on two segments. */
    @JCStressTest
    @Outcome(id = "1, 1, 2, 1", expect = Expect.ACCEPTABLE, desc = "both found with their own ctor's data; counts exact")
    @Outcome(id = {"0, .*", "1, 0, .*"}, expect = Expect.FORBIDDEN, desc = "a variable was lost")
    @Outcome(id = {"2, .*", "1, 2, .*"}, expect = Expect.FORBIDDEN,
        desc = "a variable has another ctor's data or another address than its writer got")
    @Outcome(expect = Expect.FORBIDDEN, desc = "both found, but liveVariables or reservedBytes is wrong")
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
        public void arbiter(final IIII_Result r)
        {
            check(SEGMENT_0, SEGMENT_1, RESERVED_TWO_SEGMENTS, r);
        }
    }

    /**
     * {@code free} then {@code alloc} on two segments: each segment holds one variable (of parent
     * {@code SEGMENT_0}, {@code SEGMENT_1}) made before the race; each writer frees its segment's
     * and allocates another parent's on the same segment, which takes the freed block back (no
     * reader: reusable at once, from the thread's block cache or the segment's free list). Both
     * frees succeed, the old variables are gone, the new ones are found, and nothing new is
     * reserved.
     */
    @JCStressTest
    @Outcome(id = "1, 1, 2, 1", expect = Expect.ACCEPTABLE,
        desc = "both freed and both new found with their own ctor's data; counts exact")
    @Outcome(id = {"0, .*", "1, 0, .*"}, expect = Expect.FORBIDDEN, desc = "a new variable was lost")
    @Outcome(id = {"2, .*", "1, 2, .*"}, expect = Expect.FORBIDDEN,
        desc = "a free failed or left its variable, or a new variable has other data or another address")
    @Outcome(expect = Expect.FORBIDDEN, desc = "liveVariables or reservedBytes is wrong")
    @State
    public static class FreeThenAllocOnTwoSegments extends Writers
    {
        boolean firstFreed;
        boolean secondFreed;

        public FreeThenAllocOnTwoSegments()
        {
            store.alloc(SEGMENT_0, ID, 16, Fixtures.STAMP_PARENT, null);
            store.alloc(SEGMENT_1, ID, 16, Fixtures.STAMP_PARENT, null);
        }

        @Actor
        public void first()
        {
            firstFreed = store.free(SEGMENT_0, ID);
            first = store.alloc(SEGMENT_0_TOO, ID, 16, Fixtures.STAMP_PARENT, null);
        }

        @Actor
        public void second()
        {
            secondFreed = store.free(SEGMENT_1, ID);
            second = store.alloc(SEGMENT_1_TOO, ID, 16, Fixtures.STAMP_PARENT, null);
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            final boolean firstGone = firstFreed && 0 == store.get(SEGMENT_0, ID);
            final boolean secondGone = secondFreed && 0 == store.get(SEGMENT_1, ID);
            check(SEGMENT_0_TOO, SEGMENT_1_TOO, RESERVED_TWO_SEGMENTS, r);
            if (!firstGone && 0 != r.r1)
            {
                r.r1 = 2;
            }
            if (!secondGone && 0 != r.r2)
            {
                r.r2 = 2;
            }
        }
    }

    /** {@code alloc} with a constructor on two parents of one segment: its lock serialises them. */
    @JCStressTest
    @Outcome(id = "1, 1, 2, 1", expect = Expect.ACCEPTABLE, desc = "both found with their own ctor's data; counts exact")
    @Outcome(id = {"0, .*", "1, 0, .*"}, expect = Expect.FORBIDDEN, desc = "a variable was lost")
    @Outcome(id = {"2, .*", "1, 2, .*"}, expect = Expect.FORBIDDEN,
        desc = "a variable has another ctor's data or another address than its writer got")
    @Outcome(expect = Expect.FORBIDDEN, desc = "both found, but liveVariables or reservedBytes is wrong")
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
        public void arbiter(final IIII_Result r)
        {
            check(SEGMENT_0, SEGMENT_0_TOO, RESERVED_ONE_SEGMENT, r);
        }
    }
}
