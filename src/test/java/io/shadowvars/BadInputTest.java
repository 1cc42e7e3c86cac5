package io.shadowvars;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every bad input to every public method and builder option, one row each (docs/RELIABILITY.md
 * lists them with their outcome): the exception type, a message that names the bad value, and a
 * store that is unchanged afterwards (the same stats, every variable still found at the same
 * address with its data intact, no ctor or dtor run).
 */
class BadInputTest extends NativeMemoryBaseline
{
    private static final long ID = 7;
    private static final int MAX_SIZE = 1000;
    private static final String OWNER = "bad-input-owner";

    // ------------------------------------------------------------------------------------------
    // The fixture: a store holding variables of both parent kinds, with their data stamped
    // ------------------------------------------------------------------------------------------

    /** A store with known variables, and what a row needs to misuse it. */
    static final class Fixture
    {
        final ShadowStore store;
        final long[] parents = {0x1000L, 0x2040L, 0x3080L};
        final Object[] objects = {new Object(), new Object(), new Object()};
        final List<long[]> longVariables = new ArrayList<>();   // parent, id, size, address, stamp
        final List<Object[]> objectVariables = new ArrayList<>(); // parent, long[]{id, size, address, stamp}
        int callbacks;
        final ShadowCtor<Object> ctor = (var, data) ->
        {
            this.callbacks++;
            return 0;
        };
        final ShadowDtor dtor = var -> this.callbacks++;
        final UnsafeBuffer view = new UnsafeBuffer(new byte[3]);
        ShadowReader reader;

        Fixture(final ShadowStore store)
        {
            this.store = store;
            long stamp = 0x5EED_0000L;
            for (int p = 0; p < parents.length; p++)
            {
                for (long id = ID; id < ID + 2; id++)
                {
                    final int size = (int)(8 * (p + 1) * (id - ID + 1));
                    final long address = store.alloc(parents[p], id, size);
                    stamp(address, size, ++stamp);
                    longVariables.add(new long[]{parents[p], id, size, address, stamp});
                    final long objectAddress = store.alloc(objects[p], id, size);
                    stamp(objectAddress, size, ++stamp);
                    objectVariables.add(new Object[]{objects[p], new long[]{id, size, objectAddress, stamp}});
                }
            }
            final long flag = store.alloc(parents[0], ID + 5, 0);
            longVariables.add(new long[]{parents[0], ID + 5, 0, flag, 0});
            final long large = store.alloc(objects[0], ID + 5, 20_000);
            stamp(large, 20_000, ++stamp);
            objectVariables.add(new Object[]{objects[0], new long[]{ID + 5, 20_000, large, stamp}});
        }

        /** A reader owned by this thread, registered once. */
        ShadowReader reader()
        {
            if (null == reader)
            {
                reader = store.reader();
            }
            return reader;
        }

        private static void stamp(final long address, final int size, final long stamp)
        {
            assertNotEquals(0, address);
            final UnsafeBuffer data = new UnsafeBuffer(address, size);
            for (int offset = 0; offset + 8 <= size; offset += 8)
            {
                data.putLong(offset, stamp + offset);
            }
        }

        private static void assertStamped(final long address, final int size, final long stamp, final String what)
        {
            final UnsafeBuffer data = new UnsafeBuffer(address, size);
            for (int offset = 0; offset + 8 <= size; offset += 8)
            {
                assertEquals(stamp + offset, data.getLong(offset), what + ": data changed at offset " + offset);
            }
        }

        List<Long> stats()
        {
            final ShadowStats stats = store.stats();
            return List.of(stats.liveVariables(), stats.liveBytes(), stats.reservedBytes(), stats.pendingFreeBytes(),
                stats.duplicateAllocs(), stats.failedAllocs());
        }

        /**
         * The store is as before: the same stats, and every variable found where it was, with its
         * data intact, by both get overloads.
         */
        void assertUnchanged(final List<Long> before, final String row)
        {
            assertEquals(before, stats(), row + ": stats [live, liveBytes, reserved, pending, duplicates, failed]");
            for (final long[] v : longVariables)
            {
                final String what = row + ": <0x" + Long.toHexString(v[0]) + ", " + v[1] + ">";
                assertEquals(v[3], store.get(v[0], v[1]), what);
                final UnsafeBuffer found = new UnsafeBuffer(new byte[1]);
                assertTrue(store.get(v[0], v[1], found), what);
                assertEquals(v[3], found.addressOffset(), what);
                assertEquals(v[2], found.capacity(), what);
                assertStamped(v[3], (int)v[2], v[4], what);
            }
            for (final Object[] entry : objectVariables)
            {
                final long[] v = (long[])entry[1];
                final String what = row + ": <object, " + v[0] + ">";
                assertEquals(v[2], store.get(entry[0], v[0]), what);
                final UnsafeBuffer found = new UnsafeBuffer(new byte[1]);
                assertTrue(store.get(entry[0], v[0], found), what);
                assertEquals(v[2], found.addressOffset(), what);
                assertEquals(v[1], found.capacity(), what);
                assertStamped(v[2], (int)v[1], v[3], what);
            }
            assertEquals(0, callbacks, row + ": no ctor or dtor may run");
        }

        void closeReader()
        {
            if (null != reader)
            {
                reader.close();
                reader = null;
            }
        }
    }

    /** What a row does to the fixture. */
    @FunctionalInterface
    interface Misuse
    {
        void apply(Fixture fixture) throws Throwable;
    }

    /** One bad input: where, in which store, what it must throw and what the message must name. */
    static final class Row
    {
        final String name;
        final Reclamation reclamation;
        final boolean checked;
        final Class<? extends Throwable> type;
        final Misuse misuse;
        final String[] words;

        Row(final String name, final Reclamation reclamation, final boolean checked,
            final Class<? extends Throwable> type, final Misuse misuse, final String... words)
        {
            this.name = name;
            this.reclamation = reclamation;
            this.checked = checked;
            this.type = type;
            this.misuse = misuse;
            this.words = words;
        }

        @Override
        public String toString()
        {
            return name + " [" + reclamation + (checked ? ", checked" : "") + "]";
        }
    }

    private Fixture fixture(final Reclamation reclamation, final boolean checked)
    {
        return new Fixture(track(ShadowStore.builder().reclamation(reclamation).checked(checked)
            .maxSize(MAX_SIZE * 100).build()));
    }

    private static void assertNames(final Throwable thrown, final String row, final String... words)
    {
        final String message = String.valueOf(thrown.getMessage());
        for (final String word : words)
        {
            assertTrue(message.contains(word), row + ": the message should name '" + word + "': " + message);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Arguments and protocol misuse on an open store
    // ------------------------------------------------------------------------------------------

    static Stream<Row> rejected()
    {
        final List<Row> rows = new ArrayList<>();
        for (final boolean checked : new boolean[]{false, true})
        {
            // Parent 0, through every long-parent method.
            for (final Call call : longCalls(0L, ID, 8))
            {
                rows.add(new Row("parent 0: " + call.name, Reclamation.EPOCH, checked,
                    IllegalArgumentException.class, call.body, "parent", ": 0"));
            }
            // A null object parent, through every object-parent method.
            for (final Call call : objectCalls(null, ID, 8))
            {
                rows.add(new Row("null parent: " + call.name, Reclamation.EPOCH, checked,
                    NullPointerException.class, call.body, "parent", "null"));
            }
            // Sizes out of range, both parent kinds, an absent and an existing key.
            for (final int size : new int[]{-1, -3, Integer.MIN_VALUE})
            {
                for (final Call call : sizedCalls(size))
                {
                    rows.add(new Row("size " + size + ": " + call.name, Reclamation.EPOCH, checked,
                        IllegalArgumentException.class, call.body, "size", String.valueOf(size)));
                }
            }
            for (final int size : new int[]{MAX_SIZE * 100 + 1, Integer.MAX_VALUE})
            {
                for (final Call call : sizedCalls(size))
                {
                    rows.add(new Row("size " + size + " over maxSize " + MAX_SIZE * 100 + ": " + call.name,
                        Reclamation.EPOCH, checked, IllegalArgumentException.class, call.body, "size",
                        String.valueOf(size), String.valueOf(MAX_SIZE * 100)));
                }
            }
            // A null view.
            rows.add(new Row("null view: get(long, id, null), present", Reclamation.EPOCH, checked,
                NullPointerException.class, f -> f.store.get(f.parents[0], ID, null), "view"));
            rows.add(new Row("null view: get(long, id, null), absent", Reclamation.EPOCH, checked,
                NullPointerException.class, f -> f.store.get(0x9999L, ID, null), "view"));
            rows.add(new Row("null view: get(Object, id, null), present", Reclamation.EPOCH, checked,
                NullPointerException.class, f -> f.store.get(f.objects[0], ID, null), "view"));
            rows.add(new Row("null view: get(Object, id, null), absent", Reclamation.EPOCH, checked,
                NullPointerException.class, f -> f.store.get(new Object(), ID, null), "view"));
        }

        // A boxed Long or Integer parent: checked mode rejects it in every object-parent method.
        for (final Object box : new Object[]{Long.valueOf(0x1000L), Integer.valueOf(4096)})
        {
            for (final Call call : objectCalls(box, ID, 8))
            {
                rows.add(new Row("boxed " + box.getClass().getSimpleName() + " parent: " + call.name, Reclamation.EPOCH,
                    true, IllegalArgumentException.class, call.body, box.getClass().getSimpleName(),
                    String.valueOf(box), "primitive long"));
            }
        }

        // Reader protocol, checked mode, EPOCH and QSBR.
        for (final Reclamation reclamation : new Reclamation[]{Reclamation.EPOCH, Reclamation.QSBR})
        {
            rows.add(new Row("reader: enter() from another thread", reclamation, true, IllegalStateException.class,
                f -> onAnotherThread(f.reader()::enter), "enter()", "owned by thread", OWNER, "other-thread"));
            rows.add(new Row("reader: exit() from another thread, owner inside", reclamation, true,
                IllegalStateException.class, f ->
                {
                    f.reader().enter();
                    try
                    {
                        onAnotherThread(f.reader::exit);
                    }
                    finally
                    {
                        f.reader.exit(); // the owner's section was not ended by the failed call
                    }
                }, "exit()", "owned by thread", OWNER, "other-thread"));
            rows.add(new Row("reader: quiescent() from another thread", reclamation, true, IllegalStateException.class,
                f -> onAnotherThread(f.reader()::quiescent), "quiescent()", "owned by thread", OWNER, "other-thread"));
            rows.add(new Row("reader: exit() without enter()", reclamation, true, IllegalStateException.class,
                f -> f.reader().exit(), "exit()", "without enter()"));
            rows.add(new Row("reader: exit() twice", reclamation, true, IllegalStateException.class, f ->
            {
                f.reader().enter();
                f.reader.exit();
                f.reader.exit();
            }, "exit()", "without enter()"));
            rows.add(new Row("reader: nested enter()", reclamation, true, IllegalStateException.class, f ->
            {
                f.reader().enter();
                try
                {
                    f.reader.enter();
                }
                finally
                {
                    f.reader.exit();
                }
            }, "enter()", "do not nest"));
            rows.add(new Row("reader: close() inside a section", reclamation, true, IllegalStateException.class, f ->
            {
                f.reader().enter();
                try
                {
                    f.reader.close();
                }
                finally
                {
                    f.reader.exit();
                }
            }, "close()", "inside a read section"));
            rows.add(new Row("reader: close() from another thread", reclamation, true, IllegalStateException.class,
                f -> onAnotherThread(f.reader()::close), "close()", "owned by thread", OWNER, "other-thread"));
            rows.add(new Row("reader: enter() after close()", reclamation, true, IllegalStateException.class, f ->
            {
                final ShadowReader reader = f.store.reader();
                reader.close();
                reader.enter();
            }, "enter()", "closed"));
        }
        rows.add(new Row("reader: quiescent() inside an EPOCH section", Reclamation.EPOCH, true,
            IllegalStateException.class, f ->
            {
                f.reader().enter();
                try
                {
                    f.reader.quiescent();
                }
                finally
                {
                    f.reader.exit();
                }
            }, "quiescent()", "inside an EPOCH read section"));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void shouldRejectBadInputNamingItAndChangeNothing(final Row row) throws InterruptedException
    {
        final Fixture fixture = fixture(row.reclamation, row.checked);
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread owner = new Thread(() ->
        {
            // The reader rows need an owner thread with a known name; every row runs on it.
            try
            {
                final List<Long> before = fixture.stats();
                final Throwable failure = assertThrowsExactly(row.type, () -> row.misuse.apply(fixture), row.toString());
                assertNames(failure, row.toString(), row.words);
                fixture.assertUnchanged(before, row.toString());
                fixture.closeReader();
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        }, OWNER);
        owner.start();
        owner.join();
        if (null != thrown.get())
        {
            throw new AssertionError(thrown.get().getMessage(), thrown.get());
        }
    }

    // ------------------------------------------------------------------------------------------
    // Mutating calls from inside a ctor or a dtor
    // ------------------------------------------------------------------------------------------

    static Stream<Row> nested()
    {
        final List<Row> rows = new ArrayList<>();
        final List<Call> calls = new ArrayList<>();
        calls.add(new Call("alloc(long, ...)", f -> f.store.alloc(0x7000L, ID, 8)));
        calls.add(new Call("alloc(Object, ...)", f -> f.store.alloc(new Object(), ID, 8)));
        calls.add(new Call("getOrAlloc(long, ...) of an absent variable", f -> f.store.getOrAlloc(0x7000L, ID, 8)));
        calls.add(new Call("getOrAlloc(Object, ...) of an absent variable", f -> f.store.getOrAlloc(new Object(), ID, 8)));
        calls.add(new Call("free(long, id) of a live variable", f -> f.store.free(f.parents[1], ID)));
        calls.add(new Call("free(Object, id) of a live variable", f -> f.store.free(f.objects[1], ID)));
        calls.add(new Call("freeAll(id)", f -> f.store.freeAll(ID + 1)));
        calls.add(new Call("stats()", f -> f.store.stats()));
        calls.add(new Call("reader()", f -> f.store.reader()));
        calls.add(new Call("close()", f -> f.store.close()));
        for (final Reclamation reclamation : Reclamation.values())
        {
            for (final Call call : calls)
            {
                rows.add(new Row(call.name + " from a ctor", reclamation, false, IllegalStateException.class,
                    call.body, "ctor or dtor"));
                rows.add(new Row(call.name + " from a dtor", reclamation, false, IllegalStateException.class,
                    call.body, "ctor or dtor"));
            }
        }
        return rows.stream();
    }

    /**
     * From a ctor: the nested call throws, the ctor lets it go, so the outer alloc is abandoned
     * and counted as failed (rule 3) and nothing else changes. From a dtor: the nested call
     * throws, the outer free still frees its own variable (rule 5) and rethrows, and nothing else
     * changes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nested")
    void shouldRefuseMutatingCallsFromCallbacksAndChangeOnlyWhatTheOuterCallDoes(final Row row)
    {
        final Fixture fixture = fixture(row.reclamation, row.checked);
        final List<Long> before = fixture.stats();
        final Throwable[] nestedFailure = new Throwable[1];
        final Misuse nested = row.misuse;
        final Consumer<Fixture> attempt = f ->
        {
            try
            {
                nested.apply(f);
            }
            catch (final RuntimeException ex)
            {
                nestedFailure[0] = ex;
                throw ex;
            }
            catch (final Throwable ex)
            {
                throw new AssertionError(ex);
            }
        };

        if (row.name.endsWith("from a ctor"))
        {
            final Object parent = new Object();
            final Throwable failure = assertThrowsExactly(row.type, () -> fixture.store.alloc(parent, ID, 8,
                (var, data) ->
                {
                    attempt.accept(fixture);
                    return 0;
                }, null), row.toString());
            assertSame(nestedFailure[0], failure, row + ": the nested call's exception reaches the caller");
            assertNames(failure, row.toString(), row.words);
            assertEquals(0, fixture.store.get(parent, ID), row + ": the outer alloc is abandoned");
            final List<Long> expected = new ArrayList<>(before);
            expected.set(5, before.get(5) + 1); // failedAllocs: the ctor threw
            // The outer alloc's block came from its parent's segment, which may have had to carve
            // its first slab of that size class: reserved memory may grow by that one slab (the
            // abandoned block is back on the segment's free list), never by more.
            final long reservedNow = fixture.stats().get(2);
            assertTrue(reservedNow >= before.get(2) && reservedNow - before.get(2) <= 4096 + 64,
                row + ": reserved grew from " + before.get(2) + " to " + reservedNow);
            expected.set(2, reservedNow);
            fixture.assertUnchanged(expected, row.toString());
        }
        else
        {
            final long[] victim = fixture.longVariables.remove(0);
            final Throwable failure = assertThrowsExactly(row.type, () -> fixture.store.free(victim[0], victim[1],
                var -> attempt.accept(fixture)), row.toString());
            assertSame(nestedFailure[0], failure, row + ": the nested call's exception reaches the caller");
            assertNames(failure, row.toString(), row.words);
            assertEquals(0, fixture.store.get(victim[0], victim[1]), row + ": the outer free still frees");
            final List<Long> expected = new ArrayList<>(before);
            expected.set(0, before.get(0) - 1);
            expected.set(1, before.get(1) - victim[2]);
            fixture.assertUnchanged(expected, row.toString());
        }
    }

    // ------------------------------------------------------------------------------------------
    // After close()
    // ------------------------------------------------------------------------------------------

    static Stream<Call> afterClose()
    {
        final List<Call> calls = new ArrayList<>();
        calls.addAll(longCalls(0x1000L, ID, 8));
        calls.addAll(objectCalls(new Object(), ID, 8));
        calls.add(new Call("freeAll(id)", f -> f.store.freeAll(ID)));
        calls.add(new Call("freeAll(id, dtor)", f -> f.store.freeAll(ID, f.dtor)));
        calls.add(new Call("reader()", f -> f.store.reader()));
        calls.add(new Call("stats()", f -> f.store.stats()));
        return calls.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("afterClose")
    void shouldThrowIllegalStateOnEveryCallAfterCloseAndFreeEverything(final Call call)
    {
        for (final Reclamation reclamation : Reclamation.values())
        {
            for (final boolean checked : new boolean[]{false, true})
            {
                final Fixture fixture = fixture(reclamation, checked);
                fixture.store.close();
                final String row = call.name + " after close() [" + reclamation + (checked ? ", checked" : "") + "]";
                final Throwable failure = assertThrowsExactly(IllegalStateException.class,
                    () -> call.body.apply(fixture), row);
                assertNames(failure, row, "closed");
                assertEquals(0, fixture.callbacks, row + ": no ctor or dtor may run");
                // Still closed, still nothing: a second call fails the same way.
                assertThrowsExactly(IllegalStateException.class, () -> call.body.apply(fixture), row);
                assertTrue(fixture.store.toString().contains("closed=true"), fixture.store.toString());
            }
        }
        // NativeMemoryBaseline checks that every store gave all its memory back.
    }

    @Test
    void shouldCloseStoreAndReaderTwiceWithoutEffect()
    {
        final Fixture fixture = fixture(Reclamation.EPOCH, true);
        final ShadowReader holding = fixture.reader();
        final ShadowReader other = fixture.store.reader();
        holding.enter();
        final long[] victim = fixture.longVariables.remove(1);
        assertTrue(fixture.store.free(victim[0], victim[1]));
        final long pending = fixture.store.stats().pendingFreeBytes();
        assertTrue(pending > 0, "the section holds the freed block");

        other.close();
        other.close();
        assertEquals(pending, fixture.store.stats().pendingFreeBytes(), "closing another reader twice releases nothing");
        Fixture.assertStamped(victim[3], (int)victim[2], victim[4], "held data");
        holding.exit();
        holding.close();
        holding.close();
        assertEquals(0, fixture.store.stats().pendingFreeBytes(), "the last reader's close releases everything");

        fixture.store.close();
        fixture.store.close();
        assertThrowsExactly(IllegalStateException.class, fixture.store::stats);
    }

    @Test
    void shouldKeepAnsweringTheCallsThatDescribeTheStoreAfterClose()
    {
        final ShadowStore store = track(ShadowStore.builder().reclamation(Reclamation.QSBR).maxSize(4096).segments(4)
            .build());
        store.close();
        assertEquals(Reclamation.QSBR, store.reclamation());
        assertEquals(4096, store.maxSize());
        assertEquals(4, store.segments());
        assertEquals(1L << 14, store.regionSize(), "the default region size");
        assertEquals(false, store.weakObjectParents());
        assertTrue(store.toString().contains("closed=true"), store.toString());
        assertThrowsExactly(IllegalStateException.class, store::stats, "the others still throw");
    }

    /**
     * After the store's close(), a reader's enter() throws in every mode (checked or not): the
     * section could protect nothing. exit(), quiescent() and close() return normally: they are how
     * a reader lets go of what it found before the close, which close() waits for.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void shouldRejectEnterButAllowLettingGoOnAReaderOfAClosedStore(final Reclamation reclamation, final boolean checked)
        throws Exception
    {
        final ShadowStore store = track(ShadowStore.builder().reclamation(reclamation).checked(checked).build());
        final long address = store.alloc(0x1000L, ID, 8);
        final java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        final AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        final Thread readerThread = new Thread(() ->
        {
            try
            {
                final ShadowReader reader = store.reader();
                reader.enter();
                assertEquals(address, store.get(0x1000L, ID));
                inside.countDown();
                while (!store.toString().contains("closed=true"))
                {
                    Thread.onSpinWait(); // close() has begun and now waits for this section
                }
                reader.exit();
                final long deadline = System.nanoTime() + 30_000_000_000L;
                while (closed.getCount() > 0 && System.nanoTime() < deadline)
                {
                    // QSBR: a quiescent() from before close() moved the epoch does not count; a
                    // QSBR reader keeps announcing, as it must anyway.
                    reader.quiescent();
                    Thread.onSpinWait();
                }
                assertEquals(0, closed.getCount(), "close() returned");
                final Throwable failure = assertThrowsExactly(IllegalStateException.class, reader::enter);
                assertNames(failure, "enter() after the store's close()", "enter()", "closed ShadowStore");
                reader.close();
                reader.close();
            }
            catch (final Throwable ex)
            {
                readerFailure.set(ex);
            }
        }, OWNER);
        readerThread.start();
        assertTrue(inside.await(30, java.util.concurrent.TimeUnit.SECONDS));
        // A QSBR reader that sits idle through close() holds it up for the whole bound: not here.
        final ShadowReader idle = Reclamation.QSBR == reclamation ? null : store.reader();
        store.close();
        closed.countDown();
        readerThread.join();
        if (null != readerFailure.get())
        {
            throw new AssertionError(readerFailure.get().getMessage(), readerFailure.get());
        }
        if (null != idle)
        {
            final Throwable failure = assertThrowsExactly(IllegalStateException.class, idle::enter);
            assertNames(failure, "enter() after the store's close()", "closed ShadowStore");
            idle.quiescent();
            idle.close();
            assertThrowsExactly(IllegalStateException.class, idle::enter, "still throws on a closed handle");
        }
        // NativeMemoryBaseline: the close gave everything back (it waited for the section).
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> modes()
    {
        final List<org.junit.jupiter.params.provider.Arguments> modes = new ArrayList<>();
        for (final Reclamation reclamation : Reclamation.values())
        {
            for (final boolean checked : new boolean[]{false, true})
            {
                modes.add(org.junit.jupiter.params.provider.Arguments.of(reclamation, checked));
            }
        }
        return modes.stream();
    }

    /**
     * A ShadowVar kept past its ctor or dtor throws IllegalStateException when used again outside
     * a callback; in checked mode it stays invalid inside later callbacks too, and its data buffer
     * no longer reaches the data.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void shouldRejectAShadowVarUsedAfterItsCallbackReturned(final Reclamation reclamation, final boolean checked)
    {
        final Fixture fixture = fixture(reclamation, checked);
        final ShadowVar[] kept = new ShadowVar[2];
        final org.agrona.MutableDirectBuffer[] keptData = new org.agrona.MutableDirectBuffer[1];
        final Object parent = new Object();
        final long address = fixture.store.alloc(parent, ID, 16, (var, data) ->
        {
            var.data().putLong(0, 0xABCDL);
            kept[0] = var;
            keptData[0] = var.data();
            return 0;
        }, null);
        assertNotEquals(0, address);
        final long freed = fixture.store.alloc(0x7000L, ID, 8);
        assertTrue(fixture.store.free(0x7000L, ID, var -> kept[1] = var));
        assertNotEquals(0, freed);
        final List<Long> before = fixture.stats();

        for (final ShadowVar var : kept)
        {
            final List<org.junit.jupiter.api.function.Executable> uses = List.of(
                var::id, var::parent, var::parentObject, var::size, var::address, var::data);
            for (final org.junit.jupiter.api.function.Executable use : uses)
            {
                final Throwable failure = assertThrowsExactly(IllegalStateException.class, use);
                assertNames(failure, "kept ShadowVar", "ShadowVar", "after its ctor or dtor returned");
            }
            assertTrue(var.toString().contains("invalid"), var.toString());
        }
        if (checked)
        {
            assertThrowsExactly(IndexOutOfBoundsException.class, () -> keptData[0].getLong(0),
                "a kept data buffer no longer reaches the data");
            // Inside a later callback, a kept var is still the old, invalid one.
            assertNotEquals(0, fixture.store.alloc(new Object(), ID, 8, (var, data) ->
            {
                assertThrowsExactly(IllegalStateException.class, kept[0]::id);
                return 0;
            }, null));
        }
        assertUnchangedButFor(fixture, before);
        assertEquals(0xABCDL, new UnsafeBuffer(address, 16).getLong(0), "the variable's data is intact");
        assertEquals(address, fixture.store.get(parent, ID));
    }

    private static void assertUnchangedButFor(final Fixture fixture, final List<Long> before)
    {
        final List<Long> now = fixture.stats();
        // Only the checked branch's extra allocation may differ: one variable of 8 bytes.
        final long extra = now.get(0) - before.get(0);
        assertTrue(extra == 0 || extra == 1, "live " + before.get(0) + " -> " + now.get(0));
        assertEquals(before.get(1) + 8 * extra, now.get(1), "liveBytes");
        assertEquals(before.subList(3, 6), now.subList(3, 6), "[pending, duplicates, failed]");
    }

    @Test
    void shouldRejectAMaxMemoryTooSmallForTheInitialTableAtBuildNamingItAndKeepTheBuilder()
    {
        final ShadowStore.Builder builder = ShadowStore.builder().segments(8).initialCapacity(1024).maxMemory(64);
        final Throwable failure = assertThrowsExactly(IllegalArgumentException.class, builder::build);
        assertNames(failure, "maxMemory(64)", "maxMemory", "16384", ": 64");
        assertTrue(String.valueOf(failure.getMessage()).endsWith(": 64"), failure.getMessage());
        final ShadowStore store = track(builder.maxMemory(16384).build());
        assertEquals(16384, store.stats().reservedBytes(), "the table exactly fits the cap");
        assertEquals(0, store.alloc(0x1000L, ID, 8), "nothing else fits");
    }

    @Test
    void shouldRejectAnInitialCapacityWhoseTableCannotFitInTheHeapNamingIt()
    {
        final int capacity = 1 << 29;
        final long tableBytes = 8L * io.shadowvars.internal.table.ShadowTable.capacityFor(capacity);
        org.junit.jupiter.api.Assumptions.assumeTrue(tableBytes > Runtime.getRuntime().maxMemory(),
            "the heap could hold " + tableBytes + " bytes of slots");
        final ShadowStore.Builder builder = ShadowStore.builder().segments(1).initialCapacity(capacity);
        final Throwable failure = assertThrowsExactly(IllegalArgumentException.class, builder::build);
        assertNames(failure, "initialCapacity 2^29", "initialCapacity", "heap", String.valueOf(tableBytes),
            ": " + capacity);
        // The default segments split it, with the same total: rejected the same way.
        assertThrowsExactly(IllegalArgumentException.class, ShadowStore.builder().initialCapacity(capacity)::build);
        final ShadowStore store = track(builder.initialCapacity(1 << 16).build());
        assertNotEquals(0, store.alloc(0x1000L, ID, 8), "the builder works with a capacity that fits");
    }

    @Test
    void shouldTreatABoxedLongAsAnObjectParentInUncheckedMode()
    {
        final Fixture fixture = fixture(Reclamation.EPOCH, false);
        final Object box = Long.valueOf(fixture.parents[0]);
        final List<Long> before = fixture.stats();

        final long address = fixture.store.alloc(box, ID, 8);
        assertNotEquals(0, address, "a box is an object parent, compared by identity");
        assertNotEquals(fixture.store.get(fixture.parents[0], ID), address);
        assertEquals(address, fixture.store.get(box, ID));
        assertEquals(0, fixture.store.get((Object)Long.valueOf(fixture.parents[0]), ID),
            "an equal box is another object (4096 is outside Long's box cache)");
        assertTrue(fixture.store.free(box, ID));
        // The box's segment may have carved its first slab of the class: one slab, no more.
        final List<Long> expected = new ArrayList<>(before);
        final long reservedNow = fixture.stats().get(2);
        assertTrue(reservedNow >= before.get(2) && reservedNow - before.get(2) <= 4096 + 64,
            "reserved grew from " + before.get(2) + " to " + reservedNow);
        expected.set(2, reservedNow);
        fixture.assertUnchanged(expected, "boxed Long, unchecked");
    }

    // ------------------------------------------------------------------------------------------
    // Builder options
    // ------------------------------------------------------------------------------------------

    /** A bad builder option: how to set it, what it must throw, what the message must name. */
    static final class Option
    {
        final String name;
        final Class<? extends Throwable> type;
        final Consumer<ShadowStore.Builder> set;
        final String[] words;

        Option(final String name, final Class<? extends Throwable> type, final Consumer<ShadowStore.Builder> set,
            final String... words)
        {
            this.name = name;
            this.type = type;
            this.set = set;
            this.words = words;
        }

        @Override
        public String toString()
        {
            return name;
        }
    }

    static Stream<Option> badOptions()
    {
        final Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        return Stream.of(
            new Option("initialCapacity(0)", iae, b -> b.initialCapacity(0), "initialCapacity", ": 0"),
            new Option("initialCapacity(-1)", iae, b -> b.initialCapacity(-1), "initialCapacity", "-1"),
            new Option("initialCapacity(MIN_VALUE)", iae, b -> b.initialCapacity(Integer.MIN_VALUE),
                "initialCapacity", String.valueOf(Integer.MIN_VALUE)),
            new Option("initialCapacity(2^29 + 1)", iae, b -> b.initialCapacity((1 << 29) + 1), "initialCapacity",
                String.valueOf((1 << 29) + 1)),
            new Option("initialCapacity(MAX_VALUE)", iae, b -> b.initialCapacity(Integer.MAX_VALUE), "initialCapacity",
                String.valueOf(Integer.MAX_VALUE)),
            new Option("maxMemory(0)", iae, b -> b.maxMemory(0), "maxMemory", ": 0"),
            new Option("maxMemory(-1)", iae, b -> b.maxMemory(-1), "maxMemory", "-1"),
            new Option("maxMemory(MIN_VALUE)", iae, b -> b.maxMemory(Long.MIN_VALUE), "maxMemory",
                String.valueOf(Long.MIN_VALUE)),
            new Option("alignment(0)", iae, b -> b.alignment(0), "alignment", ": 0"),
            new Option("alignment(4)", iae, b -> b.alignment(4), "alignment", ": 4"),
            new Option("alignment(12)", iae, b -> b.alignment(12), "alignment", "12"),
            new Option("alignment(-8)", iae, b -> b.alignment(-8), "alignment", "-8"),
            new Option("alignment(8192)", iae, b -> b.alignment(8192), "alignment", "8192"),
            new Option("alignment(MIN_VALUE)", iae, b -> b.alignment(Integer.MIN_VALUE), "alignment",
                String.valueOf(Integer.MIN_VALUE)),
            new Option("maxSize(-1)", iae, b -> b.maxSize(-1), "maxSize", "-1"),
            new Option("maxSize(MIN_VALUE)", iae, b -> b.maxSize(Integer.MIN_VALUE), "maxSize",
                String.valueOf(Integer.MIN_VALUE)),
            new Option("regionSize(0)", iae, b -> b.regionSize(0), "regionSize", ": 0"),
            new Option("regionSize(-64)", iae, b -> b.regionSize(-64), "regionSize", "-64"),
            new Option("regionSize(3 << 16)", iae, b -> b.regionSize(3 << 16), "regionSize", String.valueOf(3 << 16)),
            new Option("regionSize(2^41)", iae, b -> b.regionSize(1L << 41), "regionSize", String.valueOf(1L << 41)),
            new Option("regionSize(MIN_VALUE)", iae, b -> b.regionSize(Long.MIN_VALUE), "regionSize",
                String.valueOf(Long.MIN_VALUE)),
            new Option("reclamation(null)", iae, b -> b.reclamation(null), "reclamation", ": null"));
    }

    /**
     * A rejected option leaves the builder as it was: the store it then builds has the options set
     * before (QSBR, 64-byte alignment, maxSize 4096, maxMemory 1 MiB, a 100-entry table).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void shouldRejectBadBuilderOptionNamingItAndKeepTheBuilderAsItWas(final Option option)
    {
        final ShadowStore.Builder builder = ShadowStore.builder()
            .reclamation(Reclamation.QSBR).alignment(64).maxSize(4096).maxMemory(1 << 20).initialCapacity(100);
        final long reserved;
        try (ShadowStore reference = builder.build())
        {
            reserved = reference.stats().reservedBytes();
        }

        final Throwable failure = assertThrowsExactly(option.type, () -> option.set.accept(builder), option.name);
        assertNames(failure, option.name, option.words);

        final ShadowStore store = track(builder.build());
        assertEquals(Reclamation.QSBR, store.reclamation(), option.name);
        assertEquals(4096, store.maxSize(), option.name);
        assertEquals(reserved, store.stats().reservedBytes(), option.name + ": the same table");
        for (int i = 1; i <= 5; i++)
        {
            assertEquals(0, store.alloc(0x40L * i, ID, 8 * i) % 64, option.name + ": 64-byte alignment");
        }
        assertThrowsExactly(IllegalArgumentException.class, () -> store.alloc(0x1L, ID, 4097), option.name);
        long allocated = 0;
        while (0 != store.alloc(0x100_0000L + allocated * 64, ID, 4096))
        {
            allocated++;
        }
        assertTrue(allocated < 256, option.name + ": the 1 MiB cap still holds, " + allocated + " x 4 KiB allocated");
    }

    // ------------------------------------------------------------------------------------------
    // Calls, by parent kind
    // ------------------------------------------------------------------------------------------

    /** A call of one public method, named as in the table. */
    static final class Call
    {
        final String name;
        final Misuse body;

        Call(final String name, final Misuse body)
        {
            this.name = name;
            this.body = body;
        }

        @Override
        public String toString()
        {
            return name;
        }
    }

    private static List<Call> longCalls(final long parent, final long id, final int size)
    {
        return List.of(
            new Call("get(long, id)", f -> f.store.get(parent, id)),
            new Call("get(long, id, view)", f -> f.store.get(parent, id, f.view)),
            new Call("alloc(long, id, size)", f -> f.store.alloc(parent, id, size)),
            new Call("alloc(long, id, size, ctor, data)", f -> f.store.alloc(parent, id, size, f.ctor, null)),
            new Call("getOrAlloc(long, id, size)", f -> f.store.getOrAlloc(parent, id, size)),
            new Call("getOrAlloc(long, id, size, ctor, data)", f -> f.store.getOrAlloc(parent, id, size, f.ctor, null)),
            new Call("free(long, id)", f -> f.store.free(parent, id)),
            new Call("free(long, id, dtor)", f -> f.store.free(parent, id, f.dtor)));
    }

    private static List<Call> objectCalls(final Object parent, final long id, final int size)
    {
        return List.of(
            new Call("get(Object, id)", f -> f.store.get(parent, id)),
            new Call("get(Object, id, view)", f -> f.store.get(parent, id, f.view)),
            new Call("alloc(Object, id, size)", f -> f.store.alloc(parent, id, size)),
            new Call("alloc(Object, id, size, ctor, data)", f -> f.store.alloc(parent, id, size, f.ctor, null)),
            new Call("getOrAlloc(Object, id, size)", f -> f.store.getOrAlloc(parent, id, size)),
            new Call("getOrAlloc(Object, id, size, ctor, data)", f -> f.store.getOrAlloc(parent, id, size, f.ctor, null)),
            new Call("free(Object, id)", f -> f.store.free(parent, id)),
            new Call("free(Object, id, dtor)", f -> f.store.free(parent, id, f.dtor)));
    }

    /** The sized calls, on an absent and on an existing key of both parent kinds. */
    private static List<Call> sizedCalls(final int size)
    {
        final List<Call> calls = new ArrayList<>();
        calls.add(new Call("alloc(long, ...), absent", f -> f.store.alloc(0x9000L, ID, size)));
        calls.add(new Call("alloc(long, ..., ctor, data), absent", f -> f.store.alloc(0x9000L, ID, size, f.ctor, null)));
        calls.add(new Call("getOrAlloc(long, ...), absent", f -> f.store.getOrAlloc(0x9000L, ID, size)));
        calls.add(new Call("getOrAlloc(long, ..., ctor, data), absent",
            f -> f.store.getOrAlloc(0x9000L, ID, size, f.ctor, null)));
        calls.add(new Call("getOrAlloc(long, ...), existing", f -> f.store.getOrAlloc(f.parents[0], ID, size)));
        calls.add(new Call("alloc(Object, ...), absent", f -> f.store.alloc(new Object(), ID, size)));
        calls.add(new Call("alloc(Object, ..., ctor, data), absent",
            f -> f.store.alloc(new Object(), ID, size, f.ctor, null)));
        calls.add(new Call("getOrAlloc(Object, ...), absent", f -> f.store.getOrAlloc(new Object(), ID, size)));
        calls.add(new Call("getOrAlloc(Object, ..., ctor, data), absent",
            f -> f.store.getOrAlloc(new Object(), ID, size, f.ctor, null)));
        calls.add(new Call("getOrAlloc(Object, ...), existing", f -> f.store.getOrAlloc(f.objects[0], ID, size)));
        return calls;
    }

    private static void onAnotherThread(final Runnable call) throws Throwable
    {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                call.run();
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        }, "other-thread");
        thread.start();
        thread.join();
        if (null != thrown.get())
        {
            throw thrown.get();
        }
        fail("the call from another thread returned normally");
    }
}
