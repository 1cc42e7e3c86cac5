package io.shadowvars.soak;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowStats;
import io.shadowvars.ShadowStore;
import net.openhft.chronicle.core.OS;

import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The soak: T threads run a random mix of every public operation of {@link ShadowStore} for a
 * while, in rounds, each result checked exactly against a per-thread model (see
 * {@link SoakWorker}). Each round builds an EPOCH and a QSBR store shared by the threads and a
 * NONE store per thread (checked or not, alignment 8 or 64, a 16-entry table that has to grow),
 * and ends by freeing everything and checking the stores' counters, that freed object parents
 * are collectable, and that closing gives back every byte of native memory. The whole run
 * checks that the used heap after GC is flat.
 *
 * <p>Run it with {@code scripts/soak.sh} ({@code --help} for the options); {@code SoakTest}
 * runs a 30-second version in every build.
 */
public final class Soak
{
    /** Every check passed. */
    public static final int EXIT_OK = 0;
    /** A check failed. */
    public static final int EXIT_FAILED = 1;
    /** Bad options. */
    public static final int EXIT_USAGE = 2;

    private static final int RACE_CAPACITY = 1 << 17;
    private static final long JOIN_GRACE_MILLIS = 120_000;
    private static final long SAMPLE_MILLIS = 200;

    private Soak()
    {
    }

    /**
     * Run the soak and exit the JVM with its exit code.
     *
     * @param args the options; see {@code --help}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Run the soak without exiting.
     *
     * @param args the options.
     * @param out  where progress and the summary go.
     * @param err  where usage errors go.
     * @return {@link #EXIT_OK}, {@link #EXIT_FAILED} or {@link #EXIT_USAGE}.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final SoakConfig config;
        try
        {
            config = SoakConfig.parse(args);
        }
        catch (final SoakConfig.UsageException ex)
        {
            err.println("soak: " + ex.getMessage());
            err.println();
            err.println(SoakConfig.USAGE);
            return EXIT_USAGE;
        }
        if (config.help)
        {
            out.println(SoakConfig.USAGE);
            return EXIT_OK;
        }
        final SoakResult result = soak(config, out);
        result.print(out);
        out.flush();
        return result.ok() ? EXIT_OK : EXIT_FAILED;
    }

    /**
     * Run a soak.
     *
     * @param config the options.
     * @param out    where a line per round goes.
     * @return what it did and found.
     */
    static SoakResult soak(final SoakConfig config, final PrintStream out)
    {
        final SoakResult result = new SoakResult(config);
        out.println("shadowvars soak: " + config);
        final Logger logger = Logger.getLogger("io.shadowvars");
        final Level level = logger.getLevel();
        final boolean useParentHandlers = logger.getUseParentHandlers();
        final AtomicLong warnings = new AtomicLong();
        final Handler counting = new Handler()
        {
            @Override
            public void publish(final LogRecord record)
            {
                if (Level.WARNING.equals(record.getLevel()) && String.valueOf(record.getMessage()).contains("Duplicate"))
                {
                    warnings.incrementAndGet();
                }
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
        logger.setLevel(Level.WARNING);
        logger.setUseParentHandlers(false); // duplicates are provoked by the thousand: count them, do not print them
        logger.addHandler(counting);
        try
        {
            result.heapBefore = usedHeapAfterGc();
            result.nativeBefore = nativeUsed();
            final long start = System.nanoTime();
            final int rounds = config.rounds();
            final long roundMillis = config.seconds * 1000 / rounds;
            for (int round = 0; round < rounds && result.log.clean(); round++)
            {
                runRound(round, config, roundMillis, result, out);
            }
            result.nanos = System.nanoTime() - start;
            result.nativeAfter = nativeUsed();
            result.heapAfter = usedHeapAfterGc();
            result.duplicateWarnings = warnings.get();
        }
        finally
        {
            logger.removeHandler(counting);
            logger.setUseParentHandlers(useParentHandlers);
            logger.setLevel(level);
        }
        return result;
    }

    private static void runRound(
        final int number, final SoakConfig config, final long millis, final SoakResult result, final PrintStream out)
    {
        final boolean checked = config.checked(number);
        final int alignment = SoakConfig.alignment(number);
        final String name = "round " + (number + 1);
        final SoakLog log = result.log;
        final SoakResult.Round round = new SoakResult.Round();
        round.number = number + 1;
        round.checked = checked;
        round.alignment = alignment;
        round.nativeBefore = nativeUsed();

        final List<ShadowStore> stores = new ArrayList<>();
        final List<Thread> running = new ArrayList<>();
        final int threads = config.threads;
        final SoakWorker[] workers = new SoakWorker[threads];
        ShadowStore epoch = null;
        ShadowStore qsbr = null;
        SharedRace epochRace = null;
        SharedRace qsbrRace = null;
        try
        {
            epoch = store(stores, Reclamation.EPOCH, checked, alignment);
            qsbr = store(stores, Reclamation.QSBR, checked, alignment);
            epochRace = new SharedRace(RACE_CAPACITY);
            qsbrRace = new SharedRace(RACE_CAPACITY);
            final CyclicBarrier start = new CyclicBarrier(threads + 1);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            for (int t = 0; t < threads; t++)
            {
                final ShadowStore none = store(stores, Reclamation.NONE, checked, alignment);
                workers[t] = new SoakWorker(t, threads, name, log, start, deadline,
                    config.seed * 31 + number * 1_000_003L + t, epoch, epochRace, qsbr, qsbrRace, none);
                final Thread thread = new Thread(workers[t], "soak-" + (number + 1) + "-" + t);
                running.add(thread);
                thread.start();
            }
            start.await(1, TimeUnit.MINUTES);
            final long begin = System.nanoTime();
            sampleUntilDone(running, deadline, epoch, qsbr, round);
            round.nanos = Math.min(System.nanoTime(), deadline) - begin;
        }
        catch (final Exception ex)
        {
            log.failure(name + " threw " + SoakWorker.stackTrace(ex));
        }

        // A thread still running on the stores must not have them closed under it (that could crash
        // the JVM): then the round reports it and leaves the stores open.
        final boolean finished = joinAll(running, name, log);
        try
        {
            if (finished && running.size() == threads)
            {
                endOfRound(name, workers, stores, epoch, epochRace, qsbr, qsbrRace, result, round);
            }
        }
        catch (final Exception ex)
        {
            log.failure(name + " threw " + SoakWorker.stackTrace(ex));
        }
        finally
        {
            if (finished)
            {
                for (final ShadowStore store : stores)
                {
                    store.close();
                    store.close(); // idempotent
                }
            }
        }
        round.nativeAfter = nativeUsed();
        round.heapAfter = usedHeapAfterGc();
        if (finished && round.nativeAfter != round.nativeBefore)
        {
            log.failure(name + ": native memory " + round.nativeBefore + " B before, " + round.nativeAfter +
                " B after closing its stores");
        }
        result.rounds.add(round);
        out.printf(Locale.ROOT, "%s: %s stores, alignment %d, %,d operations in %.1f s (%,.0f ops/s), " +
                "peak %,d live, %,d B reserved, %,d B pending; %,d mismatches, %,d failed checks%n", name,
            checked ? "checked" : "unchecked", alignment, round.operations, round.nanos / 1e9,
            round.operations * 1e9 / Math.max(1, round.nanos), round.peakLive, round.peakReserved, round.peakPending,
            log.mismatches(), log.failures());
    }

    private static boolean joinAll(final List<Thread> running, final String name, final SoakLog log)
    {
        boolean finished = true;
        for (final Thread thread : running)
        {
            try
            {
                thread.join(JOIN_GRACE_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive())
            {
                finished = false;
                final StringBuilder stack = new StringBuilder();
                for (final StackTraceElement element : thread.getStackTrace())
                {
                    stack.append("\n\tat ").append(element);
                }
                log.failure(name + ": " + thread.getName() + " did not finish within " +
                    (JOIN_GRACE_MILLIS / 1000) + " s of the deadline" + stack);
            }
        }
        return finished;
    }

    private static void endOfRound(
        final String name,
        final SoakWorker[] workers,
        final List<ShadowStore> stores,
        final ShadowStore epoch,
        final SharedRace epochRace,
        final ShadowStore qsbr,
        final SharedRace qsbrRace,
        final SoakResult result,
        final SoakResult.Round round) throws InterruptedException
    {
        final SoakLog log = result.log;
        final List<WeakReference<Object>> dropped = new ArrayList<>();
        for (final SoakWorker worker : workers)
        {
            round.operations += worker.operations();
            for (final Counter counter : Counter.values())
            {
                result.counts[counter.ordinal()] += worker.count(counter);
            }
            dropped.addAll(worker.dropped());
        }
        checkSharedStore(name + " EPOCH", epoch, epochRace, workers, log, round);
        checkSharedStore(name + " QSBR", qsbr, qsbrRace, workers, log, round);
        for (int t = 0; t < workers.length; t++)
        {
            result.duplicatesCounted += workers[t].duplicates(epoch) + workers[t].duplicates(qsbr) +
                workers[t].duplicates(stores.get(2 + t));
        }
        for (final SharedRace race : new SharedRace[]{epochRace, qsbrRace})
        {
            for (final Object object : race.drop())
            {
                if (null != object)
                {
                    dropped.add(new WeakReference<>(object));
                }
            }
        }
        // The stores are still open: none may keep a parent whose variables are all freed.
        final int reachable = stillReachable(dropped);
        if (reachable > 0)
        {
            log.failure(name + ": " + reachable + " of " + dropped.size() +
                " object parents stay reachable after all their variables were freed");
        }
    }

    private static ShadowStore store(
        final List<ShadowStore> stores, final Reclamation reclamation, final boolean checked, final int alignment)
    {
        final ShadowStore store = ShadowStore.builder()
            .reclamation(reclamation)
            .checked(checked)
            .alignment(alignment)
            .initialCapacity(16)
            .build();
        stores.add(store);
        return store;
    }

    /** While the threads run, sample the shared stores' stats (concurrent stats() calls, peaks). */
    private static void sampleUntilDone(
        final List<Thread> running, final long deadline, final ShadowStore epoch, final ShadowStore qsbr,
        final SoakResult.Round round) throws InterruptedException
    {
        while (System.nanoTime() < deadline)
        {
            boolean alive = false;
            for (final Thread thread : running)
            {
                alive |= thread.isAlive();
            }
            if (!alive)
            {
                return;
            }
            long live = 0;
            long reserved = 0;
            long pending = 0;
            for (final ShadowStore store : new ShadowStore[]{epoch, qsbr})
            {
                final ShadowStats stats = store.stats();
                live += stats.liveVariables();
                reserved += stats.reservedBytes();
                pending += stats.pendingFreeBytes();
            }
            round.peakLive = Math.max(round.peakLive, live);
            round.peakReserved = Math.max(round.peakReserved, reserved);
            round.peakPending = Math.max(round.peakPending, pending);
            Thread.sleep(Math.max(1, Math.min(SAMPLE_MILLIS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
        }
    }

    /**
     * After the threads freed their own variables: the race's figures agree, freeAll of the shared
     * id frees exactly the variables the racers created, and the store is then empty with nothing
     * pending (every reader is closed) and counters equal to the sum of what the threads provoked.
     */
    private static void checkSharedStore(
        final String name, final ShadowStore store, final SharedRace race, final SoakWorker[] workers,
        final SoakLog log, final SoakResult.Round round)
    {
        final int distinct = race.distinct();
        round.sharedVariables += distinct;
        if (race.ctorRuns.get() != distinct)
        {
            log.failure(name + ": " + race.ctorRuns.get() + " ctor runs for " + distinct + " distinct shared variables");
        }
        final int[] dtorRuns = new int[1];
        final int freed = store.freeAll(SharedRace.ID, var ->
        {
            dtorRuns[0]++;
            final long index = var.data().getLong(0) ^ SharedRace.MAGIC;
            final boolean known = index >= 0 && index < race.capacity && race.addresses.get((int)index) == var.address();
            final boolean parent = known && (SharedRace.isObject((int)index) ?
                var.parentObject() == race.object((int)index) : var.parent() == SharedRace.parent((int)index));
            if (!known || !parent || var.size() != SharedRace.SIZE)
            {
                log.failure(name + ": freeAll's dtor got an unknown shared variable " + var);
            }
        });
        if (freed != distinct || dtorRuns[0] != distinct)
        {
            log.failure(name + ": freeAll of the shared id freed " + freed + " (dtor runs " + dtorRuns[0] + "), the racers created " +
                distinct);
        }
        long duplicates = 0;
        long failed = 0;
        for (final SoakWorker worker : workers)
        {
            duplicates += worker.duplicates(store);
            failed += worker.failed(store);
        }
        final ShadowStats stats = store.stats();
        if (0 != stats.liveVariables() || 0 != stats.liveBytes() || 0 != stats.pendingFreeBytes() ||
            duplicates != stats.duplicateAllocs() || failed != stats.failedAllocs())
        {
            log.failure(name + " at the end: " + SoakWorker.describe(stats) + "; expected 0 live, 0 pending, " +
                duplicates + " duplicates, " + failed + " failed");
        }
    }

    private static int stillReachable(final List<WeakReference<Object>> references) throws InterruptedException
    {
        int reachable = references.size();
        for (int attempt = 0; attempt < 20 && reachable > 0; attempt++)
        {
            System.gc();
            Thread.sleep(attempt * 10L);
            reachable = 0;
            for (final WeakReference<Object> reference : references)
            {
                if (null != reference.get())
                {
                    reachable++;
                }
            }
        }
        return reachable;
    }

    private static long nativeUsed()
    {
        return OS.memory().nativeMemoryUsed();
    }

    private static long usedHeapAfterGc()
    {
        final Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
