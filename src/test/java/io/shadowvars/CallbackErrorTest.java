package io.shadowvars;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Callbacks that fail with an {@link Error}, not an exception (rules 3 and 5): a constructor's
 * {@code StackOverflowError} or {@code OutOfMemoryError} reaches the caller unchanged and leaves
 * nothing behind; destructors that throw through a {@code freeAll} of ten thousand variables stop
 * none of the frees.
 */
class CallbackErrorTest extends NativeMemoryBaseline
{
    private static final long ID = 11;
    private static final int SIZE = 48;

    /** An Error a constructor ends with. */
    enum Kind
    {
        /** A real one: the constructor recurses until the stack is exhausted. */
        STACK_OVERFLOW,
        /** Thrown by the constructor, as the JVM would on a full heap. */
        OUT_OF_MEMORY,
        /** An AssertionError, as a failed assert inside the constructor. */
        ASSERTION
    }

    static Stream<Arguments> variants()
    {
        final List<Arguments> variants = new ArrayList<>();
        for (final ParentKind parent : ParentKind.values())
        {
            for (final Kind kind : Kind.values())
            {
                for (final Reclamation reclamation : Reclamation.values())
                {
                    variants.add(Arguments.of(parent, kind, reclamation));
                }
            }
        }
        return variants.stream();
    }

    private static int recurse(final int depth)
    {
        return recurse(depth + 1) + 1;
    }

    private static List<Long> counters(final ShadowStore store)
    {
        final ShadowStats stats = store.stats();
        return List.of(stats.liveVariables(), stats.liveBytes(), stats.reservedBytes(), stats.pendingFreeBytes(),
            stats.duplicateAllocs(), stats.failedAllocs());
    }

    @ParameterizedTest(name = "{0} parent, {1}, {2}")
    @MethodSource("variants")
    void shouldPropagateACtorsErrorUnchangedAndLeaveNothingBehind(
        final ParentKind parentKind, final Kind kind, final Reclamation reclamation)
    {
        final ShadowStore store = track(ShadowStore.builder().segments(1).reclamation(reclamation).checked(true).build());
        final Object[] parents = parentKind.parents(3);
        final long kept = parentKind.alloc(store, parents[0], ID, SIZE, null, null);
        new UnsafeBuffer(kept, SIZE).putLong(0, 0xC0FFEEL);
        // One block of the size class on the free list, so the failed allocations need no new memory.
        assertNotEquals(0, parentKind.alloc(store, parents[1], ID, SIZE, null, null));
        assertTrue(parentKind.free(store, parents[1], ID, null));
        final List<Long> before = counters(store);

        final long[] seenAddress = new long[1];
        final Error[] raised = new Error[1];
        final ShadowCtor<Object> ctor = (var, data) ->
        {
            seenAddress[0] = var.address();
            var.data().setMemory(0, SIZE, (byte)0x5A); // dirty the block before failing
            try
            {
                switch (kind)
                {
                    case STACK_OVERFLOW:
                        return recurse(0);
                    case OUT_OF_MEMORY:
                        throw new OutOfMemoryError("ctor: Java heap space");
                    default:
                        throw new AssertionError("ctor: invariant broken");
                }
            }
            catch (final Error ex)
            {
                raised[0] = ex;
                throw ex;
            }
        };

        for (int attempt = 0; attempt < 2; attempt++)
        {
            final boolean getOrAlloc = 1 == attempt;
            final Error thrown = assertThrows(Error.class, () ->
            {
                if (getOrAlloc)
                {
                    parentKind.getOrAlloc(store, parents[2], ID, SIZE, ctor, null);
                }
                else
                {
                    parentKind.alloc(store, parents[2], ID, SIZE, ctor, null);
                }
            });
            assertSame(raised[0], thrown, "the ctor's Error reaches the caller unchanged");
            assertEquals(Kind.STACK_OVERFLOW == kind ? StackOverflowError.class :
                Kind.OUT_OF_MEMORY == kind ? OutOfMemoryError.class : AssertionError.class, thrown.getClass());
            assertEquals(0, parentKind.get(store, parents[2], ID), "no variable was added");
        }

        final List<Long> expected = new ArrayList<>(before);
        expected.set(5, before.get(5) + 2);
        assertEquals(expected, counters(store), "[live, liveBytes, reserved, pending, duplicates, failed]");
        assertEquals(kept, parentKind.get(store, parents[0], ID));
        assertEquals(0xC0FFEEL, new UnsafeBuffer(kept, SIZE).getLong(0), "the other variable is intact");

        // The store is usable (the callback guard was left), and the block came back at once,
        // zeroed again (checked mode verified it was poisoned and untouched meanwhile).
        final long address = parentKind.alloc(store, parents[2], ID, SIZE, null, null);
        assertEquals(seenAddress[0], address, "the abandoned block was returned and is reused");
        final byte[] zeroes = new byte[SIZE];
        final byte[] data = new byte[SIZE];
        new UnsafeBuffer(address, SIZE).getBytes(0, data);
        assertArrayEquals(zeroes, data, "handed out zeroed");
        assertEquals(2, store.freeAll(ID));
        assertEquals(0, store.stats().liveVariables());
    }

    @Test
    void shouldStillFreeAVariableWhoseDtorOverflowsTheStack()
    {
        final ShadowStore store = track(ShadowStore.builder().checked(true).build());
        assertNotEquals(0, store.alloc(0x1000L, ID, SIZE));
        final int[] runs = new int[1];
        assertThrows(StackOverflowError.class, () -> store.free(0x1000L, ID, var ->
        {
            runs[0]++;
            recurse(0);
        }));
        assertEquals(1, runs[0]);
        assertEquals(0, store.get(0x1000L, ID), "freed all the same");
        assertEquals(0, store.stats().liveVariables());
        assertNotEquals(0, store.alloc(0x1000L, ID, SIZE), "usable afterwards");
    }

    @Test
    void shouldFreeAllTenThousandVariablesWhenTheirDtorsThrowAndRethrowTheFirstWithTheRestSuppressed()
    {
        final ShadowStore store = track(ShadowStore.builder().reclamation(Reclamation.EPOCH).build());
        final int count = 10_000;
        final Object[] objects = ParentKind.OBJECT.parents(count / 2);
        for (int i = 0; i < count / 2; i++)
        {
            assertNotEquals(0, store.alloc(0x10_0000L + 64L * i, ID, 16));
            assertNotEquals(0, store.alloc(objects[i], ID, 24));
        }
        final long other = store.alloc(0x10_0000L, ID + 1, 8); // another id: must survive
        new UnsafeBuffer(other, 8).putLong(0, 42);

        final List<Throwable> raised = new ArrayList<>();
        final int[] runs = new int[1];
        final ShadowDtor dtor = var ->
        {
            assertEquals(ID, var.id());
            final int n = runs[0]++;
            final Throwable failure;
            if (n % 1000 == 999)
            {
                failure = new OutOfMemoryError("dtor " + n);
            }
            else if (n % 3 == 0)
            {
                failure = new IllegalStateException("dtor " + n);
            }
            else
            {
                return;
            }
            raised.add(failure);
            if (failure instanceof Error)
            {
                throw (Error)failure;
            }
            throw (RuntimeException)failure;
        };

        final Throwable thrown = assertThrows(Throwable.class, () -> store.freeAll(ID, dtor));
        assertEquals(count, runs[0], "every dtor ran");
        assertSame(raised.get(0), thrown, "the first failure is rethrown as it is");
        assertEquals(raised.subList(1, raised.size()), Arrays.asList(thrown.getSuppressed()),
            "every later failure is suppressed, in order");
        final ShadowStats stats = store.stats();
        assertEquals(1, stats.liveVariables(), "all ten thousand were freed");
        assertEquals(8, stats.liveBytes());
        for (int i = 0; i < count / 2; i++)
        {
            assertEquals(0, store.get(0x10_0000L + 64L * i, ID));
            assertEquals(0, store.get(objects[i], ID));
        }
        assertEquals(other, store.get(0x10_0000L, ID + 1));
        assertEquals(42, new UnsafeBuffer(other, 8).getLong(0));
        assertEquals(0, store.freeAll(ID), "nothing left of the id");
        assertNotEquals(0, store.alloc(objects[0], ID, 24), "usable afterwards");
    }
}
