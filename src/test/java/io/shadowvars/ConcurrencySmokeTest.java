package io.shadowvars;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-threaded smoke tests: a first line of defence that runs in every build. The proof of the
 * concurrency guarantees is the jcstress and Lincheck suites; these only exercise the same paths
 * with real threads and check invariants that must hold on every run.
 */
class ConcurrencySmokeTest extends NativeMemoryBaseline
{
    private static final int THREADS = 4;

    /** Ctor data holder: counts how many ctors ran. */
    static final class Counter
    {
        final AtomicInteger runs = new AtomicInteger();
    }

    @ParameterizedTest
    @EnumSource(value = Reclamation.class, names = {"EPOCH", "QSBR"})
    void shouldRunCtorOnceWhenThreadsRaceGetOrAlloc(final Reclamation reclamation) throws Exception
    {
        final ShadowStore store = track(ShadowStore.builder().reclamation(reclamation).build());
        final int rounds = 2_000;
        final Counter counter = new Counter();
        final ShadowCtor<Counter> ctor = (var, c) ->
        {
            c.runs.incrementAndGet();
            var.data().putLong(0, var.parent());
            return 0;
        };
        final long[][] seen = new long[THREADS][rounds];
        final CyclicBarrier barrier = new CyclicBarrier(THREADS);
        final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final int thread = t;
                futures.add(pool.submit(() ->
                {
                    for (int r = 0; r < rounds; r++)
                    {
                        if (r % 100 == 0)
                        {
                            barrier.await(10, TimeUnit.SECONDS);
                        }
                        seen[thread][r] = store.getOrAlloc(0x1000L + r * 64L, 1, 8, ctor, counter);
                    }
                    return null;
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        assertEquals(rounds, counter.runs.get(), "exactly one ctor per variable");
        for (int r = 0; r < rounds; r++)
        {
            assertNotEquals(0, seen[0][r]);
            for (int t = 1; t < THREADS; t++)
            {
                assertEquals(seen[0][r], seen[t][r], "round " + r + ": every racer gets the same address");
            }
            assertEquals(0x1000L + r * 64L, new UnsafeBuffer(seen[0][r], 8).getLong(0));
        }
        assertEquals(rounds, store.stats().liveVariables());
    }

    @ParameterizedTest
    @EnumSource(value = Reclamation.class, names = {"EPOCH", "QSBR"})
    void shouldNeverShowReadersAnotherKeysDataWhileWritersChurn(final Reclamation reclamation) throws Exception
    {
        final ShadowStore store = track(ShadowStore.builder().reclamation(reclamation).checked(true)
            .initialCapacity(16).build());
        final int keys = 512;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong hits = new AtomicLong();
        final ExecutorService pool = Executors.newFixedThreadPool(3);
        try
        {
            final List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++)
            {
                readers.add(pool.submit(() ->
                {
                    try (ShadowReader reader = store.reader())
                    {
                        long n = 0;
                        while (!stop.get())
                        {
                            final long parent = 0x4000L + (n % keys) * 64L;
                            if (Reclamation.EPOCH == reclamation)
                            {
                                reader.enter();
                            }
                            final long address = store.get(parent, 3);
                            if (0 != address)
                            {
                                // Inside the section (EPOCH) or before the next quiescent state
                                // (QSBR) the data is this key's and intact, never poison or another's.
                                final long value = new UnsafeBuffer(address, 8).getLong(0);
                                if (value != parent)
                                {
                                    throw new AssertionError("parent 0x" + Long.toHexString(parent) +
                                        " read 0x" + Long.toHexString(value));
                                }
                                hits.incrementAndGet();
                            }
                            if (Reclamation.EPOCH == reclamation)
                            {
                                reader.exit();
                            }
                            else
                            {
                                reader.quiescent();
                            }
                            n++;
                        }
                        reads.addAndGet(n);
                    }
                    return null;
                }));
            }
            final Future<?> writer = pool.submit(() ->
            {
                final ShadowCtor<Object> ctor = (var, data) ->
                {
                    var.data().putLong(0, var.parent());
                    return 0;
                };
                final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                long i = 0;
                while (System.nanoTime() < deadline)
                {
                    final long parent = 0x4000L + (i * 7 % keys) * 64L;
                    if (0 == store.getOrAlloc(parent, 3, 8, ctor, null))
                    {
                        throw new AssertionError("getOrAlloc failed");
                    }
                    store.free(0x4000L + ((i * 7 + 13) % keys) * 64L, 3);
                    i++;
                }
                return null;
            });
            writer.get(30, TimeUnit.SECONDS);
            stop.set(true);
            for (final Future<?> reader : readers)
            {
                reader.get(30, TimeUnit.SECONDS);
            }
        }
        finally
        {
            stop.set(true);
            pool.shutdownNow();
        }
        assertTrue(reads.get() > 0 && hits.get() > 0, "reads " + reads + " hits " + hits);
    }
}
