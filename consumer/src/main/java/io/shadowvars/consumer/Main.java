package io.shadowvars.consumer;

import io.shadowvars.BufferParents;
import io.shadowvars.RegisteredCounters;
import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;

/**
 * Uses the library as a named module would: a store, a variable on a native buffer's address and
 * one on an object, get, free, close, its counters in an Agrona CountersManager; and checks that it
 * runs on the module path with the exports it should have. Prints what failed and exits with status 1 when anything did.
 */
public final class Main
{
    private static final long RX_META = 0x1234;
    private static final int MANY = 100_000;

    private static int checks;
    private static int failures;

    private Main()
    {
    }

    /** Reusable constructor data: a primitive would box. */
    static final class Stamp
    {
        long value;
    }

    /**
     * Run the checks.
     *
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        checkModules();
        checkStore();
        checkCounters();
        if (0 != failures)
        {
            System.err.println("consumer: " + failures + " of " + checks + " checks FAILED");
            System.exit(1);
        }
        System.out.println("consumer: OK, " + checks + " checks on the module path (" +
            ShadowStore.class.getModule().getDescriptor().toNameAndVersion() + ", Java " +
            Runtime.version() + ")");
    }

    private static void checkModules()
    {
        final Module library = ShadowStore.class.getModule();
        check("io.shadowvars.consumer".equals(Main.class.getModule().getName()), "the consumer runs as a named module");
        check("io.shadowvars".equals(library.getName()), "the library is the named module io.shadowvars");
        check(library.isExported("io.shadowvars") && library.isExported("io.shadowvars.netty"),
            "the API packages are exported");
        check(!library.isExported("io.shadowvars.internal") && !library.isExported("io.shadowvars.internal.table"),
            "the internal packages are not exported");
        check(ModuleLayer.boot().findModule("io.netty.buffer").isEmpty(),
            "Netty is optional: the library resolves without it");
    }

    private static void checkStore()
    {
        final ByteBuffer packet = ByteBuffer.allocateDirect(256);
        final UnsafeBuffer buffer = new UnsafeBuffer(packet);
        final long parent = BufferParents.of(buffer);
        check(buffer.addressOffset() == parent, "a native buffer's parent is its address");

        final Stamp stamp = new Stamp();
        stamp.value = 42;
        final ShadowCtor<Stamp> init = (var, data) ->
        {
            var.data().putLong(0, data.value);
            return 0;
        };
        final Object order = new Object();
        final ShadowStore store = ShadowStore.builder().alignment(64).build();
        try (store)
        {
            final long meta = store.alloc(parent, RX_META, 16, init, stamp);
            check(0 != meta, "alloc returns an address");
            check(0 == meta % 64, "alloc honours the alignment");
            check(meta == store.get(parent, RX_META), "get finds the variable");
            check(meta == store.get(BufferParents.of(new UnsafeBuffer(packet)), RX_META),
                "another view of the same memory finds it");
            check(meta == store.getOrAlloc(parent, RX_META, 16), "getOrAlloc returns the existing variable");

            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            try (ShadowReader reader = store.reader())
            {
                reader.enter();
                check(store.get(parent, RX_META, view) && 16 == view.capacity(), "get wraps a view over the data");
                check(42 == view.getLong(0), "the constructor ran on the data");
                check(0 == view.getLong(8), "the rest of the data is zeroed");
                reader.exit();
            }

            final long risk = store.getOrAlloc(order, RX_META, 8);
            check(0 != risk && risk != meta, "an object parent has its own variable");
            check(risk == store.get(order, RX_META), "get finds it by identity");
            check(0 == store.get(new Object(), RX_META), "another object finds nothing");
            check(2 == store.stats().liveVariables(), "stats count two live variables");

            final long large = store.alloc(parent, RX_META + 1, 64 * 1024);
            check(0 != large && large == store.get(parent, RX_META + 1), "a large variable has memory of its own");
            check(store.free(parent, RX_META + 1), "the large variable is freed");
            for (long handle = 1; handle <= MANY; handle++)
            {
                store.alloc(handle, RX_META + 2, 24);
            }
            check(MANY == store.freeAll(RX_META + 2), "many small variables fill slabs and are freed together");

            check(store.free(parent, RX_META), "free finds the variable");
            check(0 == store.get(parent, RX_META), "get misses after free");
            check(!store.free(parent, RX_META), "a second free finds nothing");
            check(1 == store.freeAll(RX_META), "freeAll frees the object parent's variable");
            check(0 == store.stats().liveVariables(), "nothing is live after the frees");
        }

        check(throwsOf(IllegalStateException.class, () -> store.get(parent, RX_META)),
            "a closed store refuses calls");
        check(throwsOf(IllegalArgumentException.class, () -> BufferParents.of(new UnsafeBuffer(new byte[8]))),
            "a heap buffer is not a parent");
    }

    /** The store's counters in an Agrona CountersManager, read back through a separate reader. */
    private static void checkCounters()
    {
        final UnsafeBuffer metadata = new UnsafeBuffer(ByteBuffer.allocateDirect(8 * CountersReader.METADATA_LENGTH));
        final UnsafeBuffer values = new UnsafeBuffer(ByteBuffer.allocateDirect(8 * CountersReader.COUNTER_LENGTH));
        final CountersManager manager = new CountersManager(metadata, values);
        final CountersReader reader = new CountersReader(metadata, values);
        final int liveId;
        try (ShadowStore store = ShadowStore.create())
        {
            final RegisteredCounters counters = store.registerCounters(manager, "consumer");
            liveId = counters.counterId(RegisteredCounters.Kind.LIVE_VARIABLES);
            store.alloc(0x1000, RX_META, 8);
            store.alloc(0x2000, RX_META, 8);
            check(counters.update(), "registered counters update");
            check(2 == reader.getCounterValue(liveId), "a CountersReader sees the live variables");
            check("consumer: live variables".equals(reader.getCounterLabel(liveId)), "the counter is labelled");
        }
        check(CountersReader.RECORD_RECLAIMED == reader.getCounterState(liveId), "closing the store frees the counters");
    }

    private static boolean throwsOf(final Class<? extends RuntimeException> type, final Runnable call)
    {
        try
        {
            call.run();
            return false;
        }
        catch (final RuntimeException ex)
        {
            return type.isInstance(ex);
        }
    }

    private static void check(final boolean ok, final String what)
    {
        checks++;
        if (!ok)
        {
            failures++;
            System.err.println("FAILED: " + what);
        }
    }
}
