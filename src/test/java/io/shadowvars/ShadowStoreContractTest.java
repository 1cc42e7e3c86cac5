package io.shadowvars;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CONTRACT.md's semantics, rule by rule, run against every reclamation mode and both parent kinds.
 */
class ShadowStoreContractTest extends NativeMemoryBaseline
{
    static Stream<Arguments> variants()
    {
        final List<Arguments> variants = new ArrayList<>();
        for (final Reclamation reclamation : Reclamation.values())
        {
            for (final ParentKind kind : ParentKind.values())
            {
                variants.add(Arguments.of(reclamation, kind));
            }
        }
        return variants.stream();
    }

    private ShadowStore store(final Reclamation reclamation, final ParentKind kind)
    {
        return track(kind.configure(ShadowStore.builder()).reclamation(reclamation).checked(true).build());
    }

    /** A reusable ctor-data holder. */
    static final class Stamp
    {
        long value;

        Stamp(final long value)
        {
            this.value = value;
        }
    }

    private static final ShadowCtor<Stamp> WRITE_STAMP = (var, stamp) ->
    {
        var.data().putLong(0, stamp.value);
        return 0;
    };

    // ---- Rule 1: exact <parent, id> -------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("variants")
    void shouldFindExactlyTheVariableOfParentAndId(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object[] parents = kind.parents(4);
        final Set<Long> addresses = new HashSet<>();
        for (int p = 0; p < parents.length; p++)
        {
            for (long id = 0; id < 5; id++)
            {
                final long address = kind.alloc(store, parents[p], id, 8, WRITE_STAMP, new Stamp(p * 100 + id));
                assertNotEquals(0, address);
                assertTrue(addresses.add(address), "addresses must be distinct");
            }
        }
        for (int p = 0; p < parents.length; p++)
        {
            for (long id = 0; id < 5; id++)
            {
                final long address = kind.get(store, parents[p], id);
                assertEquals(p * 100 + id, new UnsafeBuffer(address, 8).getLong(0));
            }
            assertEquals(0, kind.get(store, parents[p], 5));
            assertEquals(0, kind.get(store, parents[p], -1));
        }
        assertEquals(20, store.stats().liveVariables());
        assertEquals(160, store.stats().liveBytes());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldWrapViewOverExactlyTheData(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        final long address = kind.alloc(store, parent, 7, 13, null, null);
        final UnsafeBuffer view = new UnsafeBuffer(new byte[3]);
        assertTrue(kind.get(store, parent, 7, view));
        assertEquals(address, view.addressOffset());
        assertEquals(13, view.capacity());

        final UnsafeBuffer untouched = new UnsafeBuffer(new byte[3]);
        assertFalse(kind.get(store, parent, 8, untouched));
        assertEquals(3, untouched.capacity());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldKeepFindingVariablesAcrossGrowth(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = track(kind.configure(ShadowStore.builder()).reclamation(reclamation).initialCapacity(1).build());
        final Object[] parents = kind.parents(5_000);
        for (int i = 0; i < parents.length; i++)
        {
            assertNotEquals(0, kind.alloc(store, parents[i], 1, 8, WRITE_STAMP, new Stamp(i)));
        }
        for (int i = 0; i < parents.length; i++)
        {
            assertEquals(i, new UnsafeBuffer(kind.get(store, parents[i], 1), 8).getLong(0));
        }
    }

    // ---- Rule 2: zeroed, ctor before visible ---------------------------------------------------

    @ParameterizedTest
    @MethodSource("variants")
    void shouldHandOutZeroedDataEvenWhenMemoryIsReused(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        for (int round = 0; round < 50; round++)
        {
            final long address = kind.alloc(store, parent, 1, 40, null, null);
            final UnsafeBuffer data = new UnsafeBuffer(address, 40);
            for (int i = 0; i < 40; i++)
            {
                assertEquals(0, data.getByte(i), "byte " + i + " in round " + round);
            }
            data.setMemory(0, 40, (byte)0x5C);
            assertTrue(kind.free(store, parent, 1, null));
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldRunCtorOnZeroedDataBeforeTheVariableIsVisible(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        final long[] seenInCtor = new long[4];
        final Object[] parentSeen = new Object[1];
        final ShadowCtor<Stamp> ctor = (var, stamp) ->
        {
            seenInCtor[0] = kind.get(store, parent, 9);        // not yet visible
            seenInCtor[1] = var.data().getLong(0);             // zeroed
            seenInCtor[2] = var.id();
            seenInCtor[3] = var.size();
            parentSeen[0] = ParentKind.LONG == kind ? (Object)var.parent() : var.parentObject();
            assertEquals(var.address(), var.data().addressOffset());
            assertEquals(var.size(), var.data().capacity());
            if (ParentKind.LONG == kind)
            {
                assertNull(var.parentObject());
            }
            else
            {
                assertEquals(0, var.parent());
            }
            var.data().putLong(0, stamp.value);
            return 0;
        };
        final long address = kind.getOrAlloc(store, parent, 9, 24, ctor, new Stamp(42));
        assertArrayEquals(new long[]{0, 0, 9, 24}, seenInCtor);
        if (ParentKind.LONG == kind)
        {
            assertEquals(parent, parentSeen[0]);
        }
        else
        {
            assertSame(parent, parentSeen[0]);
        }
        assertEquals(42, new UnsafeBuffer(address, 8).getLong(0));
        assertEquals(address, kind.get(store, parent, 9));
    }

    // ---- Rule 3: ctor refusal and failure ------------------------------------------------------

    @ParameterizedTest
    @MethodSource("variants")
    void shouldAbandonAllocationWhenCtorReturnsNonZero(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        final ShadowCtor<Object> refuse = (var, data) -> -12;
        assertEquals(0, kind.alloc(store, parent, 1, 64, refuse, null));
        assertEquals(0, kind.getOrAlloc(store, parent, 1, 64, refuse, null));
        final long reserved = store.stats().reservedBytes();
        for (int i = 0; i < 1_000; i++)
        {
            assertEquals(0, kind.alloc(store, parent, 1, 64, refuse, null));
        }
        final ShadowStats stats = store.stats();
        assertEquals(0, kind.get(store, parent, 1));
        assertEquals(0, stats.liveVariables());
        assertEquals(1_002, stats.failedAllocs());
        assertEquals(0, stats.duplicateAllocs());
        assertEquals(reserved, stats.reservedBytes(), "refused allocations must give their memory back");
        assertNotEquals(0, kind.alloc(store, parent, 1, 64, null, null));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldAbandonAllocationAndRethrowWhenCtorThrows(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        final IllegalStateException boom = new IllegalStateException("boom");
        final ShadowCtor<Object> explode = (var, data) ->
        {
            throw boom;
        };
        assertSame(boom, assertThrows(IllegalStateException.class, () -> kind.alloc(store, parent, 1, 8, explode, null)));
        assertSame(boom, assertThrows(IllegalStateException.class,
            () -> kind.getOrAlloc(store, parent, 1, 8, explode, null)));
        assertEquals(0, kind.get(store, parent, 1));
        assertEquals(2, store.stats().failedAllocs());
        assertEquals(0, store.stats().liveVariables());
        assertNotEquals(0, kind.alloc(store, parent, 1, 8, null, null), "the store stays usable");
    }

    // ---- Rule 4: duplicates ---------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("variants")
    void shouldRefuseDuplicateAllocAndWarn(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        final long address = kind.alloc(store, parent, 0x1234, 8, WRITE_STAMP, new Stamp(77));
        final List<LogRecord> warnings = new ArrayList<>();
        final Logger logger = Logger.getLogger("io.shadowvars");
        final Handler handler = new Handler()
        {
            @Override
            public void publish(final LogRecord record)
            {
                warnings.add(record);
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        logger.addHandler(handler);
        try
        {
            final AtomicInteger ctorRuns = new AtomicInteger();
            assertEquals(0, kind.alloc(store, parent, 0x1234, 8, (var, data) -> ctorRuns.incrementAndGet() * 0, null));
            assertEquals(0, ctorRuns.get(), "a duplicate alloc must not run its ctor");
        }
        finally
        {
            logger.removeHandler(handler);
        }
        assertEquals(1, warnings.size());
        assertEquals(Level.WARNING, warnings.get(0).getLevel());
        assertTrue(warnings.get(0).getMessage().contains("0x1234"), warnings.get(0).getMessage());
        assertEquals(address, kind.get(store, parent, 0x1234));
        assertEquals(77, new UnsafeBuffer(address, 8).getLong(0), "the existing variable is untouched");
        final ShadowStats stats = store.stats();
        assertEquals(1, stats.duplicateAllocs());
        assertEquals(0, stats.failedAllocs());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldReturnExistingVariableFromGetOrAllocWhateverItsSize(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        final long address = kind.alloc(store, parent, 3, 8, null, null);
        assertEquals(address, kind.getOrAlloc(store, parent, 3, 4096, WRITE_STAMP, new Stamp(1)));
        final UnsafeBuffer view = new UnsafeBuffer(new byte[1]);
        assertTrue(kind.get(store, parent, 3, view));
        assertEquals(8, view.capacity());
        final ShadowStats stats = store.stats();
        assertEquals(0, stats.duplicateAllocs());
        assertEquals(0, stats.failedAllocs());
        assertEquals(1, stats.liveVariables());
    }

    // ---- Rule 5: free, dtor, freeAll --------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("variants")
    void shouldUnlinkBeforeRunningDtor(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        final long address = kind.alloc(store, parent, 5, 16, WRITE_STAMP, new Stamp(99));
        final long[] seen = new long[3];
        assertTrue(kind.free(store, parent, 5, var ->
        {
            seen[0] = kind.get(store, parent, 5);
            seen[1] = var.data().getLong(0);
            seen[2] = var.address();
        }));
        assertArrayEquals(new long[]{0, 99, address}, seen);
        assertFalse(kind.free(store, parent, 5, var -> seen[0] = -1));
        assertEquals(0, seen[0], "no dtor for an absent variable");
        assertEquals(0, store.stats().liveVariables());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldStillFreeWhenDtorThrows(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        kind.alloc(store, parent, 5, 16, null, null);
        final RuntimeException boom = new RuntimeException("dtor");
        assertSame(boom, assertThrows(RuntimeException.class, () -> kind.free(store, parent, 5, var ->
        {
            throw boom;
        })));
        assertEquals(0, kind.get(store, parent, 5));
        assertEquals(0, store.stats().liveVariables());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldFreeAllOfAnIdAcrossParentsOfBothKinds(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object[] parents = kind.parents(300);
        final Object[] objects = ParentKind.OBJECT.parents(100);
        for (final Object parent : parents)
        {
            kind.alloc(store, parent, 1, 8, null, null);
            kind.alloc(store, parent, 2, 8, null, null);
        }
        for (final Object object : objects)
        {
            store.alloc(object, 1, 8);
        }
        store.alloc(0x40L, 1, 8);
        final int[] dtorRuns = new int[1];
        assertEquals(parents.length + objects.length + 1, store.freeAll(1, var ->
        {
            assertEquals(1, var.id());
            dtorRuns[0]++;
        }));
        assertEquals(parents.length + objects.length + 1, dtorRuns[0]);
        for (final Object parent : parents)
        {
            assertEquals(0, kind.get(store, parent, 1));
            assertNotEquals(0, kind.get(store, parent, 2));
        }
        assertEquals(parents.length, store.stats().liveVariables());
        assertEquals(0, store.freeAll(1));
        assertEquals(parents.length, store.freeAll(2));
        assertEquals(0, store.stats().liveVariables());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldFreeEveryVariableWhenDtorsThrowAndRethrowTheFirst(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object[] parents = kind.parents(10);
        for (final Object parent : parents)
        {
            kind.alloc(store, parent, 4, 8, null, null);
        }
        final List<RuntimeException> thrown = new ArrayList<>();
        final RuntimeException first = assertThrows(RuntimeException.class, () -> store.freeAll(4, var ->
        {
            final RuntimeException ex = new RuntimeException("dtor " + thrown.size());
            thrown.add(ex);
            throw ex;
        }));
        assertEquals(10, thrown.size());
        assertSame(thrown.get(0), first);
        assertEquals(9, first.getSuppressed().length);
        assertEquals(0, store.stats().liveVariables());
        for (final Object parent : parents)
        {
            assertEquals(0, kind.get(store, parent, 4));
        }
    }

    // ---- Rule 6: sizes, bad input, close -----------------------------------------------------------

    @ParameterizedTest
    @MethodSource("variants")
    void shouldGiveSizeZeroVariablesUniqueNonZeroAddresses(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object[] parents = kind.parents(100);
        final Set<Long> addresses = new HashSet<>();
        for (final Object parent : parents)
        {
            final long address = kind.alloc(store, parent, 0, 0, null, null);
            assertNotEquals(0, address);
            assertTrue(addresses.add(address));
            final UnsafeBuffer view = new UnsafeBuffer(new byte[1]);
            assertTrue(kind.get(store, parent, 0, view));
            assertEquals(0, view.capacity());
        }
        assertEquals(0, store.stats().liveBytes());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldServeLargeVariablesFromDedicatedMemory(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object[] parents = kind.parents(3);
        final int size = 1 << 20;
        for (int i = 0; i < parents.length; i++)
        {
            final long address = kind.alloc(store, parents[i], 1, size, null, null);
            final UnsafeBuffer data = new UnsafeBuffer(address, size);
            assertEquals(0, data.getLong(size - 8));
            data.putLong(size - 8, i);
        }
        for (int i = 0; i < parents.length; i++)
        {
            assertEquals(i, new UnsafeBuffer(kind.get(store, parents[i], 1), size).getLong(size - 8));
        }
        assertTrue(store.stats().reservedBytes() >= 3L * size);
        assertEquals(3, store.freeAll(1));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldRejectBadInputAndChangeNothing(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = track(kind.configure(ShadowStore.builder()).reclamation(reclamation).maxSize(1000).build());
        final Object parent = kind.parents(1)[0];
        final IllegalArgumentException negative =
            assertThrows(IllegalArgumentException.class, () -> kind.alloc(store, parent, 1, -3, null, null));
        assertTrue(negative.getMessage().contains("-3"), negative.getMessage());
        final IllegalArgumentException tooBig =
            assertThrows(IllegalArgumentException.class, () -> kind.getOrAlloc(store, parent, 1, 1001, null, null));
        assertTrue(tooBig.getMessage().contains("1001"), tooBig.getMessage());
        assertEquals(0, store.stats().liveVariables());
        assertEquals(0, store.stats().failedAllocs());

        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> store.alloc(0L, 1, 8));
        assertTrue(zero.getMessage().contains("parent"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.get(0L, 1));
        assertThrows(IllegalArgumentException.class, () -> store.get(0L, 1, new UnsafeBuffer(new byte[1])));
        assertThrows(IllegalArgumentException.class, () -> store.getOrAlloc(0L, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> store.free(0L, 1));
        assertThrows(NullPointerException.class, () -> store.alloc((Object)null, 1, 8));
        assertThrows(NullPointerException.class, () -> store.get((Object)null, 1));
        assertThrows(NullPointerException.class, () -> store.getOrAlloc((Object)null, 1, 8));
        assertThrows(NullPointerException.class, () -> store.free((Object)null, 1));
        assertThrows(NullPointerException.class, () -> store.get(parent instanceof Long ? 8L : parent, 1, null));
        assertEquals(0, store.stats().liveVariables());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldThrowOnEveryCallAfterCloseAndCloseIdempotently(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object parent = kind.parents(1)[0];
        kind.alloc(store, parent, 1, 8, null, null);
        store.close();
        store.close();
        final UnsafeBuffer view = new UnsafeBuffer(new byte[1]);
        assertThrows(IllegalStateException.class, () -> kind.get(store, parent, 1));
        assertThrows(IllegalStateException.class, () -> kind.get(store, parent, 1, view));
        assertThrows(IllegalStateException.class, () -> kind.alloc(store, parent, 2, 8, null, null));
        assertThrows(IllegalStateException.class, () -> kind.getOrAlloc(store, parent, 1, 8, null, null));
        assertThrows(IllegalStateException.class, () -> kind.free(store, parent, 1, null));
        assertThrows(IllegalStateException.class, () -> store.freeAll(1));
        assertThrows(IllegalStateException.class, () -> store.freeAll(1, var -> { }));
        assertThrows(IllegalStateException.class, store::stats);
        assertThrows(IllegalStateException.class, store::reader);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldForbidMutatingCallsFromCallbacksButAllowGet(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final Object[] parents = kind.parents(2);
        final long other = kind.alloc(store, parents[1], 1, 8, null, null);
        final ShadowCtor<Object> nested = (var, data) ->
        {
            assertEquals(other, kind.get(store, parents[1], 1));
            kind.alloc(store, parents[1], 2, 8, null, null);
            return 0;
        };
        final IllegalStateException fromCtor =
            assertThrows(IllegalStateException.class, () -> kind.alloc(store, parents[0], 1, 8, nested, null));
        assertTrue(fromCtor.getMessage().contains("ctor"), fromCtor.getMessage());
        assertEquals(0, kind.get(store, parents[0], 1));

        // Inside a callback: toString describes the store, stats() and reader() refuse like writers.
        final String[] described = new String[1];
        final ShadowCtor<Object> looking = (var, data) ->
        {
            described[0] = store.toString();
            assertThrows(IllegalStateException.class, store::stats);
            assertThrows(IllegalStateException.class, store::reader);
            return 0;
        };
        assertNotEquals(0, kind.alloc(store, parents[1], 3, 8, looking, null));
        assertTrue(described[0].startsWith("ShadowStore{"), described[0]);
        assertTrue(kind.free(store, parents[1], 3, null));

        kind.alloc(store, parents[0], 1, 8, null, null);
        assertThrows(IllegalStateException.class, () -> kind.free(store, parents[0], 1, var -> store.freeAll(1)));
        assertEquals(0, kind.get(store, parents[0], 1), "the outer free completed");
        assertNotEquals(0, kind.get(store, parents[1], 1), "the nested freeAll did nothing");
    }

    // ---- Rule 8: memory limit -------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("variants")
    void shouldReturnZeroAtTheMemoryLimitAndStayUsable(final Reclamation reclamation, final ParentKind kind)
    {
        final long limit = 256 * 1024;
        final ShadowStore store = track(kind.configure(ShadowStore.builder()).reclamation(reclamation).maxMemory(limit).build());
        final Object[] parents = kind.parents(20_000);
        int allocated = 0;
        while (allocated < parents.length && 0 != kind.alloc(store, parents[allocated], 1, 64, null, null))
        {
            allocated++;
        }
        assertTrue(allocated > 100 && allocated < parents.length, "allocated " + allocated);
        final ShadowStats full = store.stats();
        assertEquals(1, full.failedAllocs());
        assertTrue(full.reservedBytes() <= limit, "reserved " + full.reservedBytes());
        assertEquals(0, kind.getOrAlloc(store, parents[allocated], 1, 64, null, null));
        assertEquals(2, store.stats().failedAllocs());

        // Free ten variables, those of the refused parent's segment first: its table then has room
        // again (a table that is full at the cap cannot grow, whatever is freed), and the memory
        // comes back, from this segment's free lists or another's.
        final int segment = segmentOf(parents[allocated], store.segments());
        final Set<Integer> freed = new HashSet<>();
        for (int i = allocated - 1; i >= 0 && freed.size() < 10; i--)
        {
            if (segmentOf(parents[i], store.segments()) == segment)
            {
                assertTrue(kind.free(store, parents[i], 1, null));
                freed.add(i);
            }
        }
        for (int i = allocated - 1; i >= 0 && freed.size() < 10; i--)
        {
            if (!freed.contains(i))
            {
                assertTrue(kind.free(store, parents[i], 1, null));
                freed.add(i);
            }
        }
        assertEquals(10, freed.size());
        store.stats(); // further work lets pending memory become reusable
        assertNotEquals(0, kind.alloc(store, parents[allocated], 1, 64, null, null), "usable after frees");
        for (int i = 0; i < allocated; i++)
        {
            assertEquals(!freed.contains(i), kind.get(store, parents[i], 1) != 0);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldServeOneSegmentFromAnotherSegmentsFreedBlocksAtTheMemoryLimit(
        final Reclamation reclamation, final ParentKind kind)
    {
        // Two segments, tables large enough never to grow: only block memory runs out.
        final ShadowStore store = track(kind.configure(ShadowStore.builder()).reclamation(reclamation).segments(2)
            .initialCapacity(8192).maxMemory(512 * 1024).build());
        final Object[] candidates = kind.parents(40_000);
        final List<Object> first = new ArrayList<>();
        Object other = null;
        for (final Object parent : candidates)
        {
            if (segmentOf(parent, 2) == 0)
            {
                first.add(parent);
            }
            else if (null == other)
            {
                other = parent;
            }
        }
        int allocated = 0;
        while (allocated < first.size() && 0 != kind.alloc(store, first.get(allocated), 1, 64, null, null))
        {
            allocated++;
        }
        assertTrue(allocated > 100 && allocated < first.size(), "allocated " + allocated);
        assertEquals(0, kind.alloc(store, other, 1, 64, null, null), "segment 1 has no memory of its own");
        for (int i = 0; i < 10; i++)
        {
            assertTrue(kind.free(store, first.get(i), 1, null));
        }
        store.stats();
        final long address = kind.alloc(store, other, 1, 64, null, null);
        assertNotEquals(0, address, "a block freed in segment 0 serves segment 1");
        assertEquals(address, kind.get(store, other, 1));
        assertTrue(store.stats().reservedBytes() <= 512 * 1024);
    }

    private static int segmentOf(final Object parent, final int segments)
    {
        return parent instanceof Long ? io.shadowvars.internal.table.ShadowTable.segmentOf((long)(Long)parent, segments) :
            io.shadowvars.internal.table.ShadowTable.segmentOf(parent, segments);
    }

    // ---- Rule 7: object identity ------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("variants")
    void shouldKeyObjectParentsOnIdentityNotEquals(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore store = store(reclamation, kind);
        final String a = new String("same");
        final String b = new String("same");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        final long first = store.alloc(a, 1, 8);
        final long second = store.alloc(b, 1, 8);
        assertNotEquals(0, first);
        assertNotEquals(0, second);
        assertNotEquals(first, second);
        assertEquals(first, store.get(a, 1));
        assertEquals(second, store.get(b, 1));
        assertEquals(0, store.get(new String("same"), 1));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldKeepLongAndBoxedLongParentsApart(final Reclamation reclamation, final ParentKind kind)
    {
        final ShadowStore unchecked = track(kind.configure(ShadowStore.builder()).reclamation(reclamation).build());
        final long parent = 0x1000L;
        final long asLong = unchecked.alloc(parent, 1, 8);
        assertEquals(0, unchecked.get((Object)Long.valueOf(parent), 1), "a box is an object parent");
        assertEquals(asLong, unchecked.get(parent, 1));

        final ShadowStore checked = store(reclamation, kind);
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> checked.get((Object)Long.valueOf(parent), 1));
        assertTrue(ex.getMessage().contains("primitive long"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> checked.alloc((Object)Integer.valueOf(7), 1, 8));
    }
}
