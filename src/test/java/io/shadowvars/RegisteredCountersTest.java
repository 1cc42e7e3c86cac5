package io.shadowvars;

import com.sun.management.ThreadMXBean;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * registerCounters: the store's counters in an Agrona CountersManager, read back through a
 * separate CountersReader over the same buffers, as a tool outside the process reads them.
 */
class RegisteredCountersTest extends NativeMemoryBaseline
{
    private static final long PARENT = 0x50_0000L;
    private static final int COUNTERS = 16;

    private final UnsafeBuffer metadata =
        new UnsafeBuffer(ByteBuffer.allocateDirect(COUNTERS * CountersReader.METADATA_LENGTH));
    private final UnsafeBuffer values =
        new UnsafeBuffer(ByteBuffer.allocateDirect(COUNTERS * CountersReader.COUNTER_LENGTH));
    private final CountersManager manager = new CountersManager(metadata, values);
    /** What an outside tool has: its own view of the same memory. */
    private final CountersReader reader = new CountersReader(
        new UnsafeBuffer(metadata.addressOffset(), metadata.capacity()),
        new UnsafeBuffer(values.addressOffset(), values.capacity()));

    @Test
    void shouldShowEveryCounterExactlyThroughASeparateReader()
    {
        final ShadowStore store = track(ShadowStore.builder().maxMemory(1 << 20).build());
        final RegisteredCounters counters = store.registerCounters(manager, "rx-meta");
        assertEquals(0, readByLabel("rx-meta").get("live variables"));

        for (int i = 1; i <= 300; i++)
        {
            store.alloc(PARENT + 64L * i, 1, 24);
        }
        store.alloc(PARENT + 64, 1, 24);      // duplicate
        store.alloc(PARENT + 128, 1, 24);     // duplicate
        store.alloc(PARENT, 2, 1 << 20);      // refused: over the cap
        for (int i = 1; i <= 100; i++)
        {
            store.free(PARENT + 64L * i, 1);
        }
        assertEquals(0, readByLabel("rx-meta").get("live variables"), "nothing is written before update()");

        assertTrue(counters.update());
        final ShadowCounters expected = store.readCounters(new ShadowCounters());
        final Map<String, Long> seen = readByLabel("rx-meta");
        assertEquals(6, seen.size(), seen.toString());
        assertEquals(200, seen.get("live variables"));
        assertEquals(200 * 24, seen.get("live bytes"));
        assertEquals(expected.reservedBytes(), seen.get("reserved bytes"));
        assertTrue(expected.reservedBytes() > 0);
        assertEquals(expected.pendingFreeBytes(), seen.get("pending-free bytes"));
        assertEquals(2, seen.get("duplicate allocs"));
        assertEquals(1, seen.get("failed allocs"));

        for (final RegisteredCounters.Kind kind : RegisteredCounters.Kind.values())
        {
            final int id = counters.counterId(kind);
            assertEquals(kind.typeId(), reader.getCounterTypeId(id));
            assertEquals("rx-meta: " + kind.labelSuffix(), reader.getCounterLabel(id));
        }
    }

    @Test
    void shouldFreeTheCounterIdsWhenTheHandleCloses()
    {
        final ShadowStore store = track(ShadowStore.create());
        final RegisteredCounters counters = store.registerCounters(manager, "a");
        final int[] ids = ids(counters);
        counters.close();
        assertTrue(counters.isClosed());
        for (final int id : ids)
        {
            assertEquals(CountersReader.RECORD_RECLAIMED, reader.getCounterState(id), "counter " + id);
        }
        assertTrue(readByLabel("a").isEmpty());
        assertFalse(counters.update(), "no write into freed counters");
        counters.close(); // idempotent

        // The ids are handed out again (the manager's default: reusable at once).
        final RegisteredCounters again = store.registerCounters(manager, "b");
        assertEquals(Arrays.stream(ids).boxed().collect(Collectors.toSet()),
            Arrays.stream(ids(again)).boxed().collect(Collectors.toSet()));
        store.alloc(PARENT, 1, 8);
        assertTrue(again.update());
        assertEquals(1, readByLabel("b").get("live variables"));
    }

    @Test
    void shouldFreeTheCountersWhenTheStoreCloses()
    {
        final ShadowStore store = ShadowStore.create();
        final RegisteredCounters first = store.registerCounters(manager, "first");
        final RegisteredCounters second = store.registerCounters(manager, "second");
        store.alloc(PARENT, 1, 8);
        store.close();
        assertTrue(first.isClosed());
        assertTrue(second.isClosed());
        for (final int id : ids(first))
        {
            assertEquals(CountersReader.RECORD_RECLAIMED, reader.getCounterState(id));
        }
        for (final int id : ids(second))
        {
            assertEquals(CountersReader.RECORD_RECLAIMED, reader.getCounterState(id));
        }
        assertFalse(first.update());
        first.close(); // after the store: nothing more to do
        final IllegalStateException closed =
            assertThrows(IllegalStateException.class, () -> store.registerCounters(manager, "late"));
        assertEquals("ShadowStore is closed", closed.getMessage());
        assertTrue(readByLabel("late").isEmpty());
    }

    @Test
    void shouldRefuseBadArgumentsAndLeaveNothingAllocatedWhenTheManagerIsFull()
    {
        final ShadowStore store = track(ShadowStore.create());
        assertThrows(NullPointerException.class, () -> store.registerCounters(null, "x"));
        assertThrows(NullPointerException.class, () -> store.registerCounters(manager, null));
        final IllegalArgumentException blank =
            assertThrows(IllegalArgumentException.class, () -> store.registerCounters(manager, " "));
        assertEquals("label must not be blank: \" \"", blank.getMessage());
        final String tooLong = "x".repeat(CountersReader.MAX_LABEL_LENGTH - "x: live variables".length() + 1);
        final IllegalArgumentException longLabel =
            assertThrows(IllegalArgumentException.class, () -> store.registerCounters(manager, tooLong));
        assertTrue(longLabel.getMessage().startsWith("label too long: \"" + tooLong + ": pending-free bytes\" is "),
            longLabel.getMessage());

        store.registerCounters(manager, "one");
        store.registerCounters(manager, "two"); // 12 of 16 counters used
        assertThrows(IllegalStateException.class, () -> store.registerCounters(manager, "three"));
        assertTrue(readByLabel("three").isEmpty(), "the counters allocated before the failure are freed");
        assertEquals(4, manager.available());
    }

    @Test
    void shouldNotWriteWhileAnotherThreadUpdates() throws Exception
    {
        final ShadowStore store = track(ShadowStore.create());
        final RegisteredCounters counters = store.registerCounters(manager, "race");
        final Thread[] threads = new Thread[2];
        final long[] written = new long[threads.length];
        for (int t = 0; t < threads.length; t++)
        {
            final int index = t;
            threads[t] = new Thread(() ->
            {
                for (int i = 0; i < 20_000; i++)
                {
                    written[index] += counters.update() ? 1 : 0;
                }
            });
            threads[t].start();
        }
        for (int i = 1; i <= 1_000; i++)
        {
            store.alloc(PARENT + 64L * i, 1, 8);
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        counters.close();
        assertTrue(written[0] + written[1] > 0);
        for (final int id : ids(counters))
        {
            assertEquals(CountersReader.RECORD_RECLAIMED, reader.getCounterState(id));
        }
    }

    @Test
    void shouldUpdateWithoutAllocating()
    {
        final ShadowStore store = track(ShadowStore.create());
        final RegisteredCounters counters = store.registerCounters(manager, "alloc");
        store.alloc(PARENT, 1, 8);
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++)
        {
            counters.update(); // warm up: links the VarHandle, lets the JIT compile
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        boolean all = true;
        for (int i = 0; i < 100_000; i++)
        {
            all &= counters.update();
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(all);
        assertTrue(allocated < 100_000, "under 1 byte per update(): " + allocated + " bytes for 100,000");
        assertEquals(1, readByLabel("alloc").get("live variables"));
    }

    private static int[] ids(final RegisteredCounters counters)
    {
        final RegisteredCounters.Kind[] kinds = RegisteredCounters.Kind.values();
        final int[] ids = new int[kinds.length];
        for (int i = 0; i < kinds.length; i++)
        {
            ids[i] = counters.counterId(kinds[i]);
        }
        return ids;
    }

    /** The allocated counters whose label starts with {@code prefix + ": "}, by suffix. */
    private Map<String, Long> readByLabel(final String prefix)
    {
        final Map<String, Long> found = new HashMap<>();
        reader.forEach((value, id, label) ->
        {
            if (label.startsWith(prefix + ": "))
            {
                found.put(label.substring(prefix.length() + 2), value);
            }
        });
        return found;
    }
}
