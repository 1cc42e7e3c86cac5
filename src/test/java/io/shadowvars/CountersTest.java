package io.shadowvars;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * readCounters: the same figures as stats() when no writer runs, no lock (works inside a ctor,
 * where stats() throws). Its 0 B/op is shown by the jmh module's ReadCountersBenchmark.
 */
class CountersTest extends NativeMemoryBaseline
{
    private static final long PARENT = 0x40_0000L;

    @Test
    void shouldMatchStatsWhenNoWriterRuns()
    {
        final ShadowStore store = track(ShadowStore.builder().maxMemory(1 << 20).build());
        for (int i = 1; i <= 500; i++)
        {
            store.alloc(PARENT + 64L * i, 1, 24);
        }
        store.alloc(PARENT + 64, 1, 24); // duplicate
        store.alloc(PARENT, 2, 2 << 20 >> 1); // refused: over the cap
        for (int i = 1; i <= 100; i++)
        {
            store.free(PARENT + 64L * i, 1);
        }
        final ShadowStats stats = store.stats();
        final ShadowCounters counters = new ShadowCounters();
        assertSame(counters, store.readCounters(counters));
        assertEquals(400, counters.liveVariables());
        assertEquals(stats.liveVariables(), counters.liveVariables());
        assertEquals(stats.liveBytes(), counters.liveBytes());
        assertEquals(stats.reservedBytes(), counters.reservedBytes());
        assertEquals(stats.pendingFreeBytes(), counters.pendingFreeBytes());
        assertEquals(1, counters.duplicateAllocs());
        assertEquals(1, counters.failedAllocs());
    }

    @Test
    void shouldReadCountersFromInsideAConstructorWhereStatsThrows()
    {
        final ShadowStore store = track(ShadowStore.create());
        final ShadowCounters counters = new ShadowCounters();
        store.alloc(PARENT, 1, 8, (var, holder) ->
        {
            assertThrows(IllegalStateException.class, store::stats);
            store.readCounters(holder);
            return 0;
        }, counters);
        assertEquals(0, counters.liveVariables(), "read before the new variable was published");
        assertEquals(1, store.readCounters(counters).liveVariables());
    }

    @Test
    void shouldRefuseAfterClose()
    {
        final ShadowStore store = ShadowStore.create();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.readCounters(new ShadowCounters()));
        final ShadowStore open = track(ShadowStore.create());
        assertThrows(NullPointerException.class, () -> open.readCounters(null));
    }
}
