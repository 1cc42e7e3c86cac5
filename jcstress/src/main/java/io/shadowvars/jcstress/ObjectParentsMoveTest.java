package io.shadowvars.jcstress;

import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A table's object parents sit in an array beside its slots, and a reader compares
 * {@code parents[i]} with its parent before it reads the header of slot {@code i}. These tests
 * move entries while a reader looks: if the array and the slots could be seen out of step (an
 * entry moved without its parent, a resize publishing one array before the other, the first
 * array created after its slot), the reader would miss a present variable or return another
 * parent's data. Every variable's data holds a stamp naming its key, and the reader returns the
 * stamp it read (-1 for a miss), so both show.
 */
public final class ObjectParentsMoveTest
{
    private static final long ID = 1;

    /** A ctor that stamps the data with its constructor data. */
    private static final ShadowCtor<Long> STAMP = (var, stamp) ->
    {
        var.data().putLong(0, stamp);
        return 0;
    };

    private ObjectParentsMoveTest()
    {
    }

    private static int stampOf(final long address)
    {
        return 0 == address ? -1 : (int)Fixtures.read(address);
    }

    /**
     * A backward shift moves a mixed cluster: object, long, object, long, object parents share
     * home slot 3 of a 16-slot table; freeing the first object shifts the other four back, their
     * parents-array entries (and the long parents' nulls) with them.
     */
    @JCStressTest
    @Outcome(id = "2, 3, 4", expect = Expect.ACCEPTABLE, desc = "every remaining variable found, with its own data")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a present variable was missed, or another parent's data returned")
    @State
    public static class ClusterShift
    {
        private static final Object[] OBJECTS = Fixtures.collidingObjects(3, 16, ID);
        private static final long[] LONGS = Fixtures.collidingParents(2, 16, ID);

        // One segment of 16 slots: the five keys form one cluster from slot 3.
        private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(8).build();

        public ClusterShift()
        {
            store.alloc(OBJECTS[0], ID, 8, STAMP, 0L);
            store.alloc(LONGS[0], ID, 8, STAMP, Long.valueOf(1));
            store.alloc(OBJECTS[1], ID, 8, STAMP, 2L);
            store.alloc(LONGS[1], ID, 8, STAMP, Long.valueOf(3));
            store.alloc(OBJECTS[2], ID, 8, STAMP, 4L);
        }

        @Actor
        public void deleter()
        {
            store.free(OBJECTS[0], ID);
        }

        @Actor
        public void reader(final III_Result r)
        {
            r.r1 = stampOf(store.get(OBJECTS[1], ID));
            r.r2 = stampOf(store.get(LONGS[1], ID));
            r.r3 = stampOf(store.get(OBJECTS[2], ID));
        }

        @Arbiter
        public void arbiter()
        {
            store.close();
        }
    }

    /**
     * A resize moves every entry to a new slot array and a new parents array: 8 object parents are
     * present throughout, and a writer adds 8 more (the table grows past 9 entries) while a reader
     * looks up two old ones and the last new one.
     */
    @JCStressTest
    @Outcome(id = "0, 7, -1", expect = Expect.ACCEPTABLE, desc = "old variables found; the last new one not yet added")
    @Outcome(id = "0, 7, 15", expect = Expect.ACCEPTABLE, desc = "old variables found; the last new one too, constructed")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a present variable was missed, or another parent's or unconstructed data returned")
    @State
    public static class Resize
    {
        private static final Object[] PARENTS = newObjects(16);

        // One segment of 16 slots: it grows when the 10th variable comes.
        private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(4).build();

        public Resize()
        {
            for (int i = 0; i < 8; i++)
            {
                store.alloc(PARENTS[i], ID, 8, STAMP, (long)i);
            }
        }

        @Actor
        public void grower()
        {
            for (int i = 8; i < 16; i++)
            {
                store.alloc(PARENTS[i], ID, 8, STAMP, (long)i);
            }
        }

        @Actor
        public void reader(final III_Result r)
        {
            r.r1 = stampOf(store.get(PARENTS[0], ID));
            r.r2 = stampOf(store.get(PARENTS[7], ID));
            r.r3 = stampOf(store.get(PARENTS[15], ID));
        }

        @Arbiter
        public void arbiter()
        {
            store.close();
        }
    }

    /**
     * The first object parent of a table creates its parents array: a reader looking for that
     * variable either misses it or finds it constructed, and a long parent already there stays
     * found.
     */
    @JCStressTest
    @Outcome(id = "-1, 1", expect = Expect.ACCEPTABLE, desc = "the object's variable not yet added")
    @Outcome(id = "42, 1", expect = Expect.ACCEPTABLE, desc = "the object's variable found, constructed")
    @Outcome(expect = Expect.FORBIDDEN, desc = "unconstructed or foreign data, or the long parent's variable missed")
    @State
    public static class FirstObjectParent
    {
        private static final Object PARENT = new Object();
        private static final long[] LONGS = Fixtures.collidingParents(2, 16, ID);

        private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(8).build();

        public FirstObjectParent()
        {
            store.alloc(LONGS[0], ID, 8, STAMP, Long.valueOf(0));
            store.alloc(LONGS[1], ID, 8, STAMP, Long.valueOf(1));
        }

        @Actor
        public void writer()
        {
            store.alloc(PARENT, ID, 8, STAMP, 42L);
        }

        @Actor
        public void reader(final II_Result r)
        {
            r.r1 = stampOf(store.get(PARENT, ID));
            r.r2 = stampOf(store.get(LONGS[1], ID));
        }

        @Arbiter
        public void arbiter()
        {
            store.close();
        }
    }

    private static Object[] newObjects(final int count)
    {
        final Object[] objects = new Object[count];
        for (int i = 0; i < count; i++)
        {
            objects[i] = new Object();
        }
        return objects;
    }
}
