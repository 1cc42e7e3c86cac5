package io.shadowvars.concurrent;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import io.shadowvars.internal.Memory;
import io.shadowvars.internal.table.ShadowTable;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.ref.Cleaner;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Linearizability of the store's operations on a small key space (3 parents x 2 ids, long and
 * object parents), checked by Lincheck against a sequential map model, by model checking (every
 * interleaving of the shared-memory events Lincheck sees, within its bounds) and by stress, with
 * two and with three threads. Operations return what a caller observes: the stamp its
 * constructor wrote, 0 for absent, or a count.
 *
 * <p><b>The stamp is per key.</b> Each key {@code <parent, id>} has its own count of constructor
 * runs, and its constructor writes the count it reached: which racer's constructor won stays
 * visible (a second run for a key would show as 2 where the model has 1). The constructors of one
 * key run under its segment's lock, one at a time, so the plain counter is exact; constructors of
 * keys in different segments run in parallel, which is why a store-wide counter would race and
 * would encode a store-wide order of constructor runs that the store does not promise.
 *
 * <p><b>Segments.</b> The store has {@value #SEGMENTS} segments. The long parents are chosen with
 * {@link ShadowTable#segmentOf(long, int)}: parents 0 and 1 share a segment (their writers share a
 * lock, a table and an allocator), parent 2 is in another one (its writers run in parallel with
 * theirs). The constructor picks the object parents the same way with
 * {@link ShadowTable#segmentOf(Object, int)}. That split holds under stress; under model checking
 * Lincheck replaces {@code System.identityHashCode} with 0 inside the operations (for determinism),
 * so there all three object parents share one segment and one home slot, which exercises the
 * identity check of colliding object keys instead. {@code freeAll} takes every segment's lock.
 */
@Param(name = "parent", gen = IntGen.class, conf = "0:2")
@Param(name = "id", gen = IntGen.class, conf = "1:2")
public class ShadowStoreLincheckTest
{
    private static final Cleaner CLEANER = Cleaner.create();

    /** Segments of the store under test: few, so that the key space covers shared and separate ones. */
    static final int SEGMENTS = 4;

    /** Long parents: 0 and 1 in one segment, 2 in another (see the class comment). */
    private static final long[] PARENTS = longParents();

    /** One parent per segment, used by the constructor only (see there). */
    private static final long[] WARM_UP_PARENTS = warmUpParents();

    /**
     * Ctor data: one key's count of constructor runs, as the kernel selftest's ctor copies data.
     * Written only by constructors of its key, which its segment's lock serialises.
     */
    static final class Runs
    {
        long count;
    }

    private static final ShadowCtor<Runs> STAMP = (var, runs) ->
    {
        var.data().putLong(0, ++runs.count);
        return 0;
    };

    private final ShadowStore store;
    /** One counter per key: [kind (long, object)][parent][id - 1]. */
    private final Runs[][][] runs = new Runs[2][3][2];
    private final Object[] objects = objectParents();
    private final ThreadLocal<ShadowReader> readers;

    public ShadowStoreLincheckTest()
    {
        final ShadowStore store = ShadowStore.builder().reclamation(Reclamation.EPOCH)
            .segments(SEGMENTS).initialCapacity(4).build();
        this.store = store;
        for (final Runs[][] kind : runs)
        {
            for (final Runs[] parent : kind)
            {
                for (int id = 0; id < parent.length; id++)
                {
                    parent[id] = new Runs();
                }
            }
        }
        // Carve every segment's first slab here, outside the operations Lincheck analyses: a slab
        // comes from Chronicle Bytes, whose code would otherwise be instrumented and run inside
        // the first operations (tens of seconds on a loaded machine, past Lincheck's hang timeout),
        // and would add thousands of events to every invocation. The block goes back to its
        // segment's free list at once (no reader is registered yet).
        for (final long parent : WARM_UP_PARENTS)
        {
            store.alloc(parent, 0, 8);
            store.free(parent, 0);
        }
        this.readers = ThreadLocal.withInitial(store::reader);
        // Lincheck makes an instance per scenario and has no teardown: give the memory back when
        // the instance is collected.
        CLEANER.register(this, store::close);
    }

    /**
     * Three 64-byte aligned parents (as buffer addresses are): the first two in one segment of a
     * {@value #SEGMENTS}-segment store, the third in another.
     */
    private static long[] longParents()
    {
        final long first = 0x7f00_0040L;
        final int shared = ShadowTable.segmentOf(first, SEGMENTS);
        long sameSegment = 0;
        long otherSegment = 0;
        for (long parent = first + 64; 0 == sameSegment || 0 == otherSegment; parent += 64)
        {
            final int segment = ShadowTable.segmentOf(parent, SEGMENTS);
            if (segment == shared && 0 == sameSegment)
            {
                sameSegment = parent;
            }
            else if (segment != shared && 0 == otherSegment)
            {
                otherSegment = parent;
            }
        }
        return new long[] {first, sameSegment, otherSegment};
    }

    private static long[] warmUpParents()
    {
        final long[] parents = new long[SEGMENTS];
        int found = 0;
        for (long parent = 0x7e00_0040L; found < SEGMENTS; parent += 64)
        {
            final int segment = ShadowTable.segmentOf(parent, SEGMENTS);
            if (0 == parents[segment])
            {
                parents[segment] = parent;
                found++;
            }
        }
        return parents;
    }

    /**
     * Three objects, the first two in one segment and the third in another, as far as the identity
     * hashes seen here allow (bounded: under model checking the operations see other hashes anyway).
     */
    private static Object[] objectParents()
    {
        final Object first = new Object();
        final int shared = ShadowTable.segmentOf(first, SEGMENTS);
        Object sameSegment = null;
        Object otherSegment = null;
        for (int attempt = 0; attempt < 64 && (null == sameSegment || null == otherSegment); attempt++)
        {
            final Object candidate = new Object();
            final int segment = ShadowTable.segmentOf(candidate, SEGMENTS);
            if (segment == shared && null == sameSegment)
            {
                sameSegment = candidate;
            }
            else if (segment != shared && null == otherSegment)
            {
                otherSegment = candidate;
            }
        }
        return new Object[] {
            first, null != sameSegment ? sameSegment : new Object(), null != otherSegment ? otherSegment : new Object()};
    }

    /**
     * The segments of the long parents and of a fresh instance's object parents, in a
     * {@value #SEGMENTS}-segment store (for the test that checks the key space spans segments).
     *
     * @return {@code [long 0, long 1, long 2, object 0, object 1, object 2]}.
     */
    static int[] parentSegments()
    {
        final Object[] objects = objectParents();
        final int[] segments = new int[6];
        for (int i = 0; i < 3; i++)
        {
            segments[i] = ShadowTable.segmentOf(PARENTS[i], SEGMENTS);
            segments[3 + i] = ShadowTable.segmentOf(objects[i], SEGMENTS);
        }
        return segments;
    }

    private static long parent(final int index)
    {
        return PARENTS[index];
    }

    private long read(final long address)
    {
        return 0 == address ? 0 : Memory.getLong(address);
    }

    @Operation
    public long getLong(@Param(name = "parent") final int parent, @Param(name = "id") final int id)
    {
        final ShadowReader reader = readers.get();
        reader.enter();
        try
        {
            return read(store.get(parent(parent), id));
        }
        finally
        {
            reader.exit();
        }
    }

    @Operation
    public long getObject(@Param(name = "parent") final int parent, @Param(name = "id") final int id)
    {
        final ShadowReader reader = readers.get();
        reader.enter();
        try
        {
            return read(store.get(objects[parent], id));
        }
        finally
        {
            reader.exit();
        }
    }

    // Every operation that reads data reads it inside a read section: another thread may free the
    // variable as soon as the call returns, and outside a section its memory may then be reused.
    @Operation
    public long allocLong(@Param(name = "parent") final int parent, @Param(name = "id") final int id)
    {
        final ShadowReader reader = readers.get();
        reader.enter();
        try
        {
            return read(store.alloc(parent(parent), id, 8, STAMP, runs[0][parent][id - 1]));
        }
        finally
        {
            reader.exit();
        }
    }

    @Operation
    public long getOrAllocLong(@Param(name = "parent") final int parent, @Param(name = "id") final int id)
    {
        final ShadowReader reader = readers.get();
        reader.enter();
        try
        {
            return read(store.getOrAlloc(parent(parent), id, 8, STAMP, runs[0][parent][id - 1]));
        }
        finally
        {
            reader.exit();
        }
    }

    @Operation
    public long getOrAllocObject(@Param(name = "parent") final int parent, @Param(name = "id") final int id)
    {
        final ShadowReader reader = readers.get();
        reader.enter();
        try
        {
            return read(store.getOrAlloc(objects[parent], id, 8, STAMP, runs[1][parent][id - 1]));
        }
        finally
        {
            reader.exit();
        }
    }

    @Operation
    public boolean freeLong(@Param(name = "parent") final int parent, @Param(name = "id") final int id)
    {
        return store.free(parent(parent), id);
    }

    @Operation
    public boolean freeObject(@Param(name = "parent") final int parent, @Param(name = "id") final int id)
    {
        return store.free(objects[parent], id);
    }

    @Operation
    public int freeAll(@Param(name = "id") final int id)
    {
        return store.freeAll(id);
    }

    /**
     * The sequential specification: a map from key to stamp, and each key's count of constructor
     * runs, with the same operations. Lincheck builds its transition system from this instead of
     * from real stores.
     */
    public static final class Model
    {
        private final Map<String, Long> variables = new HashMap<>();
        private final Map<String, Long> runs = new HashMap<>();

        private static String key(final String kind, final int parent, final int id)
        {
            return kind + parent + "/" + id;
        }

        private long get(final String key)
        {
            return variables.getOrDefault(key, 0L);
        }

        private long getOrAlloc(final String key)
        {
            return variables.computeIfAbsent(key, k -> runs.merge(k, 1L, Long::sum));
        }

        public long getLong(final int parent, final int id)
        {
            return get(key("L", parent, id));
        }

        public long getObject(final int parent, final int id)
        {
            return get(key("O", parent, id));
        }

        public long allocLong(final int parent, final int id)
        {
            final String key = key("L", parent, id);
            return variables.containsKey(key) ? 0 : getOrAlloc(key);
        }

        public long getOrAllocLong(final int parent, final int id)
        {
            return getOrAlloc(key("L", parent, id));
        }

        public long getOrAllocObject(final int parent, final int id)
        {
            return getOrAlloc(key("O", parent, id));
        }

        public boolean freeLong(final int parent, final int id)
        {
            return null != variables.remove(key("L", parent, id));
        }

        public boolean freeObject(final int parent, final int id)
        {
            return null != variables.remove(key("O", parent, id));
        }

        public int freeAll(final int id)
        {
            final int before = variables.size();
            variables.keySet().removeIf(key -> key.endsWith("/" + id));
            return before - variables.size();
        }

        // Equal states are merged in Lincheck's transition system: keeps verification small.
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Model && ((Model)o).runs.equals(runs) && ((Model)o).variables.equals(variables);
        }

        @Override
        public int hashCode()
        {
            return variables.hashCode() * 31 + runs.hashCode();
        }
    }

    private static int iterations()
    {
        return Integer.getInteger("shadowvars.lincheck.iterations", 25);
    }

    private static int invocations()
    {
        return Integer.getInteger("shadowvars.lincheck.invocations", 300);
    }

    /** The key space is what the class comment says: long parents 0 and 1 share a segment, 2 does not. */
    @Test
    void parentsSpanSegments()
    {
        final int[] segments = parentSegments();
        assertEquals(segments[0], segments[1], "long parents 0 and 1 share a segment");
        assertNotEquals(segments[0], segments[2], "long parent 2 is in another segment");
        assertEquals(segments[3], segments[4], "object parents 0 and 1 share a segment");
        assertNotEquals(segments[3], segments[5], "object parent 2 is in another segment");
    }

    /**
     * Model-checking options. Lincheck takes a loop that repeats the same events for 10
     * iterations for a spin and switches threads, and declares a hang after 50 iterations of
     * spinning. freeAll's scan of a segment's slots repeats the same events once per slot while
     * it holds every segment lock: seen as a spin, it let the model checker park freeAll and call
     * the writer that waits for its lock hung (a false report, deterministic for the scenario
     * freeAll; freeAll || freeObject). A switch after 64 iterations (longer than a 16-slot scan)
     * and a hang bound of 1,000 iterations let the scan run; a real deadlock still spins forever.
     */
    private static ModelCheckingOptions modelCheckingOptions()
    {
        return new ModelCheckingOptions()
            .sequentialSpecification(Model.class)
            .loopIterationsBeforeThreadSwitch(64)
            .loopBound(1_000);
    }

    /** Two threads, three operations each. */
    @Test
    void modelChecking()
    {
        modelCheckingOptions()
            .iterations(iterations())
            .invocationsPerIteration(invocations())
            .threads(2)
            .actorsPerThread(3)
            .check(getClass());
    }

    /**
     * Three threads, two operations each: writers of up to three segments (or one) at once. Not
     * in the default run (six to twelve minutes on JDK 17 on two loaded cores; it passed once with
     * the loop options above, and once reported a hang inside Lincheck's instrumentation of a slab
     * carve: see docs/CONCURRENCY.md); run it with
     * {@code -Dshadowvars.lincheck.threeThreadModel=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "shadowvars.lincheck.threeThreadModel", matches = "true")
    void modelCheckingThreeThreads()
    {
        modelCheckingOptions()
            .iterations(iterations())
            .invocationsPerIteration(invocations())
            .threads(3)
            .actorsPerThread(2)
            .check(getClass());
    }

    /** Two threads, four operations each. */
    @Test
    void stress()
    {
        new StressOptions()
            .sequentialSpecification(Model.class)
            .iterations(iterations())
            .invocationsPerIteration(invocations() * 5)
            .threads(2)
            .actorsPerThread(4)
            .check(getClass());
    }

    /** Three threads, three operations each. */
    @Test
    void stressThreeThreads()
    {
        new StressOptions()
            .sequentialSpecification(Model.class)
            .iterations(iterations())
            .invocationsPerIteration(invocations() * 5)
            .threads(3)
            .actorsPerThread(3)
            .check(getClass());
    }
}
