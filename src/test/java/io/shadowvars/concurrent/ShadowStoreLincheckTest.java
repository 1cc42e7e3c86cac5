package io.shadowvars.concurrent;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import io.shadowvars.internal.Memory;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import java.lang.ref.Cleaner;
import java.util.HashMap;
import java.util.Map;

/**
 * Linearizability of the store's operations on a small key space (3 parents x 2 ids, long and
 * object parents), checked by Lincheck against the store's own sequential behaviour, by model
 * checking (every interleaving of the shared-memory events Lincheck sees, within its bounds) and by
 * stress. Operations return what a caller observes: the stamp its constructor wrote (a counter of
 * constructor runs, so which racer's constructor won is visible), 0 for absent, or a count.
 */
@Param(name = "parent", gen = IntGen.class, conf = "0:2")
@Param(name = "id", gen = IntGen.class, conf = "1:2")
public class ShadowStoreLincheckTest
{
    private static final Cleaner CLEANER = Cleaner.create();

    /** Ctor data: the store's count of constructor runs, as the kernel selftest's ctor copies data. */
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
    private final Runs runs = new Runs();
    private final Object[] objects = {new Object(), new Object(), new Object()};
    private final ThreadLocal<ShadowReader> readers;

    public ShadowStoreLincheckTest()
    {
        final ShadowStore store = ShadowStore.builder().reclamation(Reclamation.EPOCH).initialCapacity(4).build();
        this.store = store;
        this.readers = ThreadLocal.withInitial(store::reader);
        // Lincheck makes an instance per scenario and has no teardown: give the memory back when
        // the instance is collected.
        CLEANER.register(this, store::close);
    }

    private static long parent(final int index)
    {
        return 0x7f00_0000L + 64L * (index + 1);
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

    @Operation
    public long allocLong(@Param(name = "parent") final int parent, @Param(name = "id") final int id)
    {
        return read(store.alloc(parent(parent), id, 8, STAMP, runs));
    }

    @Operation
    public long getOrAllocLong(@Param(name = "parent") final int parent, @Param(name = "id") final int id)
    {
        final ShadowReader reader = readers.get();
        reader.enter();
        try
        {
            return read(store.getOrAlloc(parent(parent), id, 8, STAMP, runs));
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
            return read(store.getOrAlloc(objects[parent], id, 8, STAMP, runs));
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
     * The sequential specification: a map from key to stamp, with the same operations. Lincheck
     * builds its transition system from this instead of from real stores.
     */
    public static final class Model
    {
        private final Map<String, Long> variables = new HashMap<>();
        private long runs;

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
            return variables.computeIfAbsent(key, k -> ++runs);
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
            return o instanceof Model && ((Model)o).runs == runs && ((Model)o).variables.equals(variables);
        }

        @Override
        public int hashCode()
        {
            return variables.hashCode() * 31 + Long.hashCode(runs);
        }
    }

    @Test
    void modelChecking()
    {
        new ModelCheckingOptions()
            .sequentialSpecification(Model.class)
            .iterations(Integer.getInteger("shadowvars.lincheck.iterations", 30))
            .invocationsPerIteration(Integer.getInteger("shadowvars.lincheck.invocations", 300))
            .threads(2)
            .actorsPerThread(3)
            .check(getClass());
    }

    @Test
    void stress()
    {
        new StressOptions()
            .sequentialSpecification(Model.class)
            .iterations(Integer.getInteger("shadowvars.lincheck.iterations", 30))
            .invocationsPerIteration(Integer.getInteger("shadowvars.lincheck.invocations", 300) * 5)
            .threads(2)
            .actorsPerThread(4)
            .check(getClass());
    }
}
