package io.shadowvars.soak;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowDtor;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStats;
import io.shadowvars.ShadowStore;
import io.shadowvars.ShadowVar;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * One soak thread: a random mix of every public operation on the stores of a round, each result
 * checked against this thread's model.
 *
 * <p>The thread owns its parents (long handles and objects) and its ids, so no other thread
 * creates or frees its variables and a {@link HashMap} per store predicts every result exactly:
 * addresses, absence, duplicates, ctor and dtor runs, and the data, which carries a per-variable
 * {@link DataPattern} checked on every read and in every dtor. Beside its own keys it races the
 * other threads on {@link SharedRace}'s parents and, inside read sections, looks up the other
 * threads' variables and checks that their data is theirs and intact (never reused memory).
 */
final class SoakWorker implements Runnable
{
    static final int LONG_PARENTS = 64;
    static final int OBJECT_PARENTS = 64;
    static final int IDS = 4;

    private static final int[] SIZES = {0, 8, 16, 100, 4096, 20480};
    /** Cumulative weights of {@link #SIZES}, out of 100. */
    private static final int[] SIZE_WEIGHTS = {10, 35, 60, 80, 95, 100};
    private static final long LONG_BASE = 0x0100_0000_0000L;
    private static final int MAX_MISMATCHES = 1000;
    /** Data a thread holds inside one read section, to check again when the section ends. */
    private static final int HOLD = 8;

    private static final int CTOR_OK = 0;
    private static final int CTOR_REFUSE = 1;
    private static final int CTOR_THROW = 2;
    private static final int REFUSAL = -22;

    /** The ctor of the thread's own variables: checks what it is given, writes the pattern. */
    private static final ShadowCtor<CtorData> CTOR = (var, data) -> data.worker.construct(var, data);

    private final int index;
    private final int threads;
    private final String round;
    private final SoakLog log;
    private final CyclicBarrier start;
    private final long deadline;
    private final SplittableRandom random;
    private final Target[] targets;
    private final long[] parents = new long[LONG_PARENTS];
    private final Object[] objects = new Object[OBJECT_PARENTS];
    private final List<WeakReference<Object>> dropped = new ArrayList<>();
    private final long[] counts = new long[Counter.COUNT];

    private final UnsafeBuffer data = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final byte[] untouched = new byte[3];
    private final CtorData ctorData = new CtorData();
    private final SharedRace.RaceData raceData = new SharedRace.RaceData();
    private final ShadowDtor freeDtor = this::destroyOne;
    private final ShadowDtor freeAllDtor = this::destroyOfFreeAll;

    // The dtors' state: set before each free or freeAll.
    private Target dtorTarget;
    private Key dtorKey;
    private Var dtorExpected;
    private boolean dtorThrows;
    private RuntimeException dtorThrown;
    private int dtorRuns;
    private long freeAllId;
    private int throwEvery;
    private final Set<Key> freeAllSeen = new HashSet<>();
    private int dtorThrowCount;

    private long step;

    /**
     * A thread of a round.
     *
     * @param index   the thread's number, from 0; it decides which parents and ids it owns.
     * @param threads how many threads the round runs.
     * @param round   the round's name, for messages.
     * @param log     where mismatches go.
     * @param start   passed by every thread once its readers are registered.
     * @param deadline {@link System#nanoTime()} at which to stop.
     * @param seed    the thread's random seed.
     * @param epoch   the round's shared EPOCH store.
     * @param epochRace the races on it.
     * @param qsbr    the round's shared QSBR store.
     * @param qsbrRace the races on it.
     * @param none    this thread's own NONE store.
     */
    SoakWorker(
        final int index,
        final int threads,
        final String round,
        final SoakLog log,
        final CyclicBarrier start,
        final long deadline,
        final long seed,
        final ShadowStore epoch,
        final SharedRace epochRace,
        final ShadowStore qsbr,
        final SharedRace qsbrRace,
        final ShadowStore none)
    {
        this.index = index;
        this.threads = threads;
        this.round = round;
        this.log = log;
        this.start = start;
        this.deadline = deadline;
        this.random = new SplittableRandom(seed);
        this.targets = new Target[]{
            new Target("EPOCH", epoch, true, epochRace),
            new Target("QSBR", qsbr, true, qsbrRace),
            new Target("NONE", none, false, null)};
        for (int i = 0; i < LONG_PARENTS; i++)
        {
            parents[i] = longParent(index, i);
        }
        for (int i = 0; i < OBJECT_PARENTS; i++)
        {
            objects[i] = new Object();
        }
        ctorData.worker = this;
    }

    static long longParent(final int thread, final int i)
    {
        return LONG_BASE * (thread + 1) + (i + 1) * 64L;
    }

    static long id(final int thread, final int k)
    {
        return (thread + 1) * 1000L + k;
    }

    long count(final Counter counter)
    {
        return counts[counter.ordinal()];
    }

    long operations()
    {
        long operations = 0;
        for (int i = 0; i <= Counter.PEEK.ordinal(); i++)
        {
            operations += counts[i];
        }
        return operations;
    }

    /**
     * The duplicates this thread provoked in a shared store.
     *
     * @param store the store.
     * @return the count.
     */
    long duplicates(final ShadowStore store)
    {
        return target(store).duplicates;
    }

    /**
     * The failed allocations this thread provoked in a shared store.
     *
     * @param store the store.
     * @return the count.
     */
    long failed(final ShadowStore store)
    {
        return target(store).failed;
    }

    /**
     * Weak references to every object parent this thread let go of; once the variables are freed
     * the store must not keep any of them reachable.
     *
     * @return the references.
     */
    List<WeakReference<Object>> dropped()
    {
        return dropped;
    }

    @Override
    public void run()
    {
        try
        {
            for (final Target target : targets)
            {
                target.reader = target.store.reader();
            }
            start.await(1, TimeUnit.MINUTES);
            while (System.nanoTime() < deadline && log.mismatches() < MAX_MISMATCHES && 0 == log.failures())
            {
                for (int i = 0; i < 256; i++)
                {
                    step();
                }
            }
        }
        catch (final Throwable ex)
        {
            log.failure(where() + " threw " + stackTrace(ex));
        }
        finally
        {
            try
            {
                cleanUp();
            }
            catch (final Throwable ex)
            {
                log.failure(where() + " clean-up threw " + stackTrace(ex));
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // The mix
    // ------------------------------------------------------------------------------------------

    private void step()
    {
        step++;
        final int pick = random.nextInt(100);
        final Target target = targets[pick < 45 ? 0 : pick < 90 ? 1 : 2];
        final int op = random.nextInt(1000);
        if (op < 180)
        {
            get(target);
        }
        else if (op < 270)
        {
            getView(target);
        }
        else if (op < 340)
        {
            alloc(target, false, false);
        }
        else if (op < 410)
        {
            alloc(target, false, true);
        }
        else if (op < 480)
        {
            alloc(target, true, false);
        }
        else if (op < 550)
        {
            alloc(target, true, true);
        }
        else if (op < 640)
        {
            free(target, randomKey(), false, false);
        }
        else if (op < 720)
        {
            free(target, randomKey(), true, random.nextInt(5) == 0);
        }
        else if (op < 730)
        {
            final int mode = random.nextInt(10);
            freeAll(target, id(index, random.nextInt(IDS)), mode >= 4, mode >= 8 ? 3 : 0);
        }
        else if (op < 790)
        {
            readerStep(target);
        }
        else if (op < 870 && target.shared)
        {
            race(target);
        }
        else if (op < 950 && target.shared && threads > 1)
        {
            peek(target);
        }
        else if (op < 955)
        {
            stats(target);
        }
        else if (op < 957)
        {
            dropParent();
        }
        else
        {
            get(target);
        }
    }

    private void get(final Target target)
    {
        counts[Counter.GET.ordinal()]++;
        final Key key = randomKey();
        final Var expected = target.model.get(key);
        final long address = key.get(target.store);
        if (null == expected)
        {
            if (0 != address)
            {
                mismatch(target, "get", key, "found 0x" + Long.toHexString(address) + ", the model has nothing");
            }
        }
        else if (address != expected.address)
        {
            mismatch(target, "get", key, "found 0x" + Long.toHexString(address) + ", expected " + expected);
        }
        else
        {
            verify(target, "get", key, expected);
            hold(target, expected.address, expected.size, expected.stamp);
        }
    }

    private void getView(final Target target)
    {
        counts[Counter.GET_VIEW.ordinal()]++;
        final Key key = randomKey();
        final Var expected = target.model.get(key);
        view.wrap(untouched);
        final boolean found = key.get(target.store, view);
        if (null == expected)
        {
            if (found || view.byteArray() != untouched || view.capacity() != untouched.length)
            {
                mismatch(target, "get(view)", key, "found " + found + " or moved the view, the model has nothing");
            }
        }
        else if (!found || view.addressOffset() != expected.address || view.capacity() != expected.size)
        {
            mismatch(target, "get(view)", key, "found " + found + " at 0x" + Long.toHexString(view.addressOffset()) +
                " of " + view.capacity() + " bytes, expected " + expected);
        }
        else
        {
            final int bad = DataPattern.firstMismatch(view, expected.stamp);
            if (bad >= 0)
            {
                mismatch(target, "get(view)", key, "data differs at offset " + bad + " of " + expected);
            }
            hold(target, expected.address, expected.size, expected.stamp);
        }
    }

    private void alloc(final Target target, final boolean getOrAlloc, final boolean withCtor)
    {
        counts[(getOrAlloc ? (withCtor ? Counter.GET_OR_ALLOC_CTOR : Counter.GET_OR_ALLOC) :
            (withCtor ? Counter.ALLOC_CTOR : Counter.ALLOC)).ordinal()]++;
        final String op = (getOrAlloc ? "getOrAlloc" : "alloc") + (withCtor ? "(ctor)" : "");
        final Key key = randomKey();
        final Var existing = target.model.get(key);
        final int size = randomSize();
        final long stamp = stampFor(key);
        final int behaviour = !withCtor ? CTOR_OK : random.nextInt(10) == 0 ? CTOR_REFUSE :
            random.nextInt(9) == 0 ? CTOR_THROW : CTOR_OK;
        ctorData.prepare(target, key, size, stamp, behaviour);

        long address = 0;
        RuntimeException caught = null;
        try
        {
            if (getOrAlloc)
            {
                address = withCtor ? key.getOrAlloc(target.store, size, CTOR, ctorData) : key.getOrAlloc(target.store, size);
            }
            else
            {
                address = withCtor ? key.alloc(target.store, size, CTOR, ctorData) : key.alloc(target.store, size);
            }
        }
        catch (final RuntimeException ex)
        {
            caught = ex;
        }

        if (null != existing)
        {
            if (null != caught || ctorData.ran)
            {
                mismatch(target, op, key, "existing variable: ctor ran " + ctorData.ran + ", threw " + caught);
            }
            if (getOrAlloc)
            {
                if (address != existing.address)
                {
                    mismatch(target, op, key, "returned 0x" + Long.toHexString(address) + ", expected " + existing);
                }
            }
            else
            {
                target.duplicates++;
                counts[Counter.DUPLICATE.ordinal()]++;
                if (0 != address)
                {
                    mismatch(target, op, key, "a duplicate returned 0x" + Long.toHexString(address));
                }
            }
            verify(target, op, key, existing);
            return;
        }

        if (withCtor && !ctorData.ran)
        {
            mismatch(target, op, key, "the ctor did not run for a new variable");
        }
        if (CTOR_OK != behaviour)
        {
            target.failed++;
            final boolean threw = CTOR_THROW == behaviour;
            counts[(threw ? Counter.CTOR_THREW : Counter.CTOR_REFUSED).ordinal()]++;
            if (0 != address || caught != (threw ? ctorData.thrown : null))
            {
                mismatch(target, op, key, "ctor " + (threw ? "threw" : "refused") + ": returned 0x" +
                    Long.toHexString(address) + ", exception " + caught);
            }
            if (0 != key.get(target.store))
            {
                mismatch(target, op, key, "the variable exists after its ctor " + (threw ? "threw" : "refused"));
            }
            return;
        }
        if (null != caught || 0 == address)
        {
            mismatch(target, op, key, "returned 0x" + Long.toHexString(address) + ", exception " + caught);
            return;
        }

        data.wrap(address, size);
        if (!withCtor)
        {
            final int dirty = DataPattern.firstNonZero(data);
            if (dirty >= 0)
            {
                mismatch(target, op, key, "new data not zeroed at offset " + dirty);
            }
            DataPattern.write(data, stamp);
        }
        final Var created = new Var(address, size, stamp);
        target.model.put(key, created);
        target.bytes += size;
        if (null != key.object)
        {
            target.objectLive[key.slot]++;
        }
        counts[Counter.CREATED.ordinal()]++;
        verify(target, op, key, created);
        if (key.get(target.store) != address)
        {
            mismatch(target, op, key, "get after " + op + " does not find 0x" + Long.toHexString(address));
        }
    }

    private int construct(final ShadowVar var, final CtorData data)
    {
        data.ran = true;
        final Target target = data.target;
        checkVar(var, target, "ctor", data.key, data.size);
        final int dirty = DataPattern.firstNonZero(var.data());
        if (dirty >= 0)
        {
            mismatch(target, "ctor", data.key, "data handed to the ctor not zeroed at offset " + dirty);
        }
        if (0 != data.key.get(target.store))
        {
            mismatch(target, "ctor", data.key, "the variable is visible before its ctor returned");
        }
        // Dirty the block even when refusing: it must come back zeroed when it is handed out again.
        DataPattern.write(var.data(), data.stamp);
        if (CTOR_REFUSE == data.behaviour)
        {
            return REFUSAL;
        }
        if (CTOR_THROW == data.behaviour)
        {
            data.thrown = new IllegalStateException("soak ctor throws on purpose");
            throw data.thrown;
        }
        return 0;
    }

    private void free(final Target target, final Key key, final boolean withDtor, final boolean throwing)
    {
        counts[(withDtor ? Counter.FREE_DTOR : Counter.FREE).ordinal()]++;
        final String op = withDtor ? (throwing ? "free(throwing dtor)" : "free(dtor)") : "free";
        final Var existing = target.model.get(key);
        dtorTarget = target;
        dtorKey = key;
        dtorExpected = existing;
        dtorThrows = throwing;
        dtorThrown = null;
        dtorRuns = 0;
        boolean freed = false;
        RuntimeException caught = null;
        try
        {
            freed = withDtor ? key.free(target.store, freeDtor) : key.free(target.store);
        }
        catch (final RuntimeException ex)
        {
            caught = ex;
        }

        if (null == existing)
        {
            if (freed || null != caught || 0 != dtorRuns)
            {
                mismatch(target, op, key, "absent variable: freed " + freed + ", dtor runs " + dtorRuns + ", " + caught);
            }
            return;
        }
        final boolean dtorThrew = withDtor && throwing;
        final boolean asExpected;
        if (dtorThrew)
        {
            // The variable is freed all the same, and the dtor's exception reaches the caller.
            counts[Counter.DTOR_THREW.ordinal()]++;
            asExpected = 1 == dtorRuns && null != caught && caught == dtorThrown;
        }
        else
        {
            asExpected = freed && null == caught && dtorRuns == (withDtor ? 1 : 0);
        }
        if (!asExpected)
        {
            mismatch(target, op, key, "freed " + freed + ", dtor runs " + dtorRuns + ", exception " + caught);
        }
        forget(target, key, existing);
        if (0 != key.get(target.store))
        {
            mismatch(target, op, key, "still found after free" + (dtorThrew ? " with a throwing dtor" : ""));
        }
    }

    private void destroyOne(final ShadowVar var)
    {
        dtorRuns++;
        final Target target = dtorTarget;
        final Key key = dtorKey;
        final Var expected = dtorExpected;
        if (null == expected)
        {
            mismatch(target, "dtor", key, "ran for a variable the model does not have");
            return;
        }
        checkVar(var, target, "dtor", key, expected.size);
        checkDtorData(var, target, key, expected);
        if (dtorThrows)
        {
            dtorThrown = new IllegalStateException("soak dtor throws on purpose");
            throw dtorThrown;
        }
    }

    private void freeAll(final Target target, final long id, final boolean withDtor, final int throwEvery)
    {
        counts[(withDtor ? Counter.FREE_ALL_DTOR : Counter.FREE_ALL).ordinal()]++;
        final String op = "freeAll(" + id + (withDtor ? ", dtor" + (throwEvery > 0 ? " throwing" : "") : "") + ")";
        final List<Key> expected = new ArrayList<>();
        for (final Key key : target.model.keySet())
        {
            if (key.id == id)
            {
                expected.add(key);
            }
        }
        dtorTarget = target;
        freeAllId = id;
        this.throwEvery = withDtor ? throwEvery : 0;
        freeAllSeen.clear();
        dtorRuns = 0;
        dtorThrown = null;
        dtorThrowCount = 0;
        int freed = -1;
        RuntimeException caught = null;
        try
        {
            freed = withDtor ? target.store.freeAll(id, freeAllDtor) : target.store.freeAll(id);
        }
        catch (final RuntimeException ex)
        {
            caught = ex;
        }

        if (dtorThrowCount > 0)
        {
            counts[Counter.DTOR_THREW.ordinal()] += dtorThrowCount;
            if (caught != dtorThrown || null == caught || caught.getSuppressed().length != dtorThrowCount - 1)
            {
                mismatch(target, op, null, dtorThrowCount + " dtors threw; caught " + caught + " with " +
                    (null == caught ? 0 : caught.getSuppressed().length) + " suppressed");
            }
        }
        else if (null != caught || freed != expected.size())
        {
            mismatch(target, op, null, "freed " + freed + ", the model has " + expected.size() + ", exception " + caught);
        }
        if (withDtor && dtorRuns != expected.size())
        {
            mismatch(target, op, null, dtorRuns + " dtor runs for " + expected.size() + " variables");
        }
        for (final Key key : expected)
        {
            forget(target, key, target.model.get(key));
            if (0 != key.get(target.store))
            {
                mismatch(target, op, key, "still found after freeAll");
            }
        }
    }

    private void destroyOfFreeAll(final ShadowVar var)
    {
        dtorRuns++;
        final Target target = dtorTarget;
        final Key key = null != var.parentObject() ? new Key(0, var.parentObject(), var.id(), -1) :
            new Key(var.parent(), null, var.id(), -1);
        final Var expected = target.model.get(key);
        if (var.id() != freeAllId || null == expected || !freeAllSeen.add(key))
        {
            mismatch(target, "freeAll dtor", key, "id " + var.id() + " of freeAll(" + freeAllId + "), in the model " +
                (null != expected) + ", seen before " + freeAllSeen.contains(key));
        }
        else
        {
            checkVar(var, target, "freeAll dtor", key, expected.size);
            checkDtorData(var, target, key, expected);
        }
        if (throwEvery > 0 && dtorRuns % throwEvery == 1)
        {
            final IllegalStateException ex = new IllegalStateException("soak freeAll dtor throws on purpose");
            if (0 == dtorThrowCount++)
            {
                dtorThrown = ex;
            }
            throw ex;
        }
    }

    private void checkDtorData(final ShadowVar var, final Target target, final Key key, final Var expected)
    {
        if (var.address() != expected.address)
        {
            mismatch(target, "dtor", key, "address 0x" + Long.toHexString(var.address()) + ", expected " + expected);
        }
        final int bad = DataPattern.firstMismatch(var.data(), expected.stamp);
        if (bad >= 0)
        {
            mismatch(target, "dtor", key, "data differs at offset " + bad + " of " + expected);
        }
        if (0 != key.get(target.store))
        {
            mismatch(target, "dtor", key, "the variable is still found while its dtor runs");
        }
    }

    private void readerStep(final Target target)
    {
        final ShadowReader reader = target.reader;
        if (Reclamation.EPOCH == target.store.reclamation())
        {
            if (target.inSection)
            {
                checkHeld(target, "exit()");
                counts[Counter.EXIT.ordinal()]++;
                reader.exit();
                target.inSection = false;
            }
            else if (random.nextInt(8) == 0)
            {
                // Allowed outside a section in EPOCH mode, where it does nothing.
                counts[Counter.QUIESCENT.ordinal()]++;
                reader.quiescent();
            }
            else
            {
                counts[Counter.ENTER.ordinal()]++;
                reader.enter();
                target.inSection = true;
            }
        }
        else if (Reclamation.QSBR == target.store.reclamation())
        {
            checkHeld(target, "quiescent()");
            counts[Counter.QUIESCENT.ordinal()]++;
            reader.quiescent();
        }
        else
        {
            counts[Counter.ENTER.ordinal()]++;
            counts[Counter.EXIT.ordinal()]++;
            counts[Counter.QUIESCENT.ordinal()]++;
            reader.enter();
            reader.exit();
            reader.quiescent();
        }
    }

    private void race(final Target target)
    {
        counts[Counter.RACE.ordinal()]++;
        final SharedRace race = target.race;
        final long frontier = race.frontier.get();
        if (random.nextInt(8) == 0 && frontier < race.capacity - 1)
        {
            race.frontier.compareAndSet(frontier, frontier + 1);
        }
        final int slot = (int)Math.max(0, frontier - random.nextInt(3));
        raceData.race = race;
        raceData.index = slot;
        raceData.ran = false;
        raceData.zeroed = true;
        final boolean object = SharedRace.isObject(slot);
        final long address = object ?
            target.store.getOrAlloc(race.object(slot), SharedRace.ID, SharedRace.SIZE, SharedRace.CTOR, raceData) :
            target.store.getOrAlloc(SharedRace.parent(slot), SharedRace.ID, SharedRace.SIZE, SharedRace.CTOR, raceData);
        final String where = "shared parent " + slot;
        if (0 == address)
        {
            mismatch(target, "race", null, where + ": getOrAlloc returned 0");
            return;
        }
        if (raceData.ran && !raceData.zeroed)
        {
            mismatch(target, "race", null, where + ": data handed to the ctor not zeroed");
        }
        if (!race.addresses.compareAndSet(slot, 0, address) && race.addresses.get(slot) != address)
        {
            mismatch(target, "race", null, where + ": got 0x" + Long.toHexString(address) + ", another racer got 0x" +
                Long.toHexString(race.addresses.get(slot)));
        }
        data.wrap(address, SharedRace.SIZE);
        if (data.getLong(0) != (SharedRace.MAGIC ^ slot))
        {
            mismatch(target, "race", null, where + ": data 0x" + Long.toHexString(data.getLong(0)) + " is not its ctor's");
        }
        final long found = object ? target.store.get(race.object(slot), SharedRace.ID) :
            target.store.get(SharedRace.parent(slot), SharedRace.ID);
        if (found != address)
        {
            mismatch(target, "race", null, where + ": get finds 0x" + Long.toHexString(found));
        }
    }

    private void peek(final Target target)
    {
        counts[Counter.PEEK.ordinal()]++;
        final int other = (index + 1 + random.nextInt(threads - 1)) % threads;
        final long parent = longParent(other, random.nextInt(LONG_PARENTS));
        final long id = id(other, random.nextInt(IDS));
        final boolean enter = Reclamation.EPOCH == target.store.reclamation() && !target.inSection;
        if (enter)
        {
            counts[Counter.ENTER.ordinal()]++;
            target.reader.enter();
        }
        try
        {
            // EPOCH: inside a section. QSBR: before this thread's next quiescent(). Either way
            // the data found cannot be reused under us, whatever its owner does meanwhile.
            if (target.store.get(parent, id, view) && view.capacity() >= 8)
            {
                final long head = view.getLongVolatile(0);
                if (0 != head)
                {
                    counts[Counter.PEEK_CHECKED.ordinal()]++;
                    final int bad = (int)(head >>> 32) != DataPattern.keyHash(parent, id) ? 0 :
                        DataPattern.firstMismatch(view, head);
                    if (bad >= 0)
                    {
                        mismatch(target, "peek", new Key(parent, null, id, -1), "thread " + other +
                            "'s data is not its own at offset " + bad + ": head 0x" + Long.toHexString(head));
                    }
                    else if (!enter)
                    {
                        hold(target, view.addressOffset(), view.capacity(), head);
                    }
                }
            }
        }
        finally
        {
            if (enter)
            {
                counts[Counter.EXIT.ordinal()]++;
                target.reader.exit();
            }
        }
    }

    private void stats(final Target target)
    {
        counts[Counter.STATS.ordinal()]++;
        final ShadowStats stats = target.store.stats();
        final String problem;
        if (stats.duplicateAllocs() < target.seenDuplicates || stats.failedAllocs() < target.seenFailed)
        {
            problem = "a counter went backwards";
        }
        else if (target.shared && (stats.liveVariables() < target.model.size() || stats.liveBytes() < target.bytes ||
            stats.duplicateAllocs() < target.duplicates || stats.failedAllocs() < target.failed))
        {
            problem = "below this thread's own share (" + target.model.size() + " variables, " + target.bytes +
                " bytes, " + target.duplicates + " duplicates, " + target.failed + " failed)";
        }
        else if (!target.shared && (stats.liveVariables() != target.model.size() || stats.liveBytes() != target.bytes ||
            stats.duplicateAllocs() != target.duplicates || stats.failedAllocs() != target.failed ||
            0 != stats.pendingFreeBytes()))
        {
            problem = "differs from the model (" + target.model.size() + " variables, " + target.bytes + " bytes, " +
                target.duplicates + " duplicates, " + target.failed + " failed, 0 pending)";
        }
        else if (stats.pendingFreeBytes() < 0 || stats.reservedBytes() < stats.liveBytes())
        {
            problem = "impossible figures";
        }
        else
        {
            problem = null;
        }
        if (null != problem)
        {
            mismatch(target, "stats", null, problem + ": " + describe(stats));
        }
        target.seenDuplicates = stats.duplicateAllocs();
        target.seenFailed = stats.failedAllocs();
    }

    private void dropParent()
    {
        final int slot = random.nextInt(OBJECT_PARENTS);
        final Object parent = objects[slot];
        for (final Target target : targets)
        {
            for (int k = 0; k < IDS; k++)
            {
                final Key key = new Key(0, parent, id(index, k), slot);
                if (target.model.containsKey(key))
                {
                    free(target, key, true, false);
                }
            }
        }
        int live = 0;
        for (final Target target : targets)
        {
            live += target.objectLive[slot];
        }
        if (0 != live)
        {
            mismatch(targets[0], "drop parent", null, live + " variables left on an object parent after freeing them");
            return;
        }
        counts[Counter.PARENT_DROPPED.ordinal()]++;
        dropped.add(new WeakReference<>(parent));
        objects[slot] = new Object();
    }

    // ------------------------------------------------------------------------------------------
    // End of the round
    // ------------------------------------------------------------------------------------------

    private void cleanUp()
    {
        for (final Target target : targets)
        {
            checkHeld(target, "the end of the round");
            if (target.inSection)
            {
                target.reader.exit();
                target.inSection = false;
            }
        }
        for (final Target target : targets)
        {
            for (int k = 0; k < IDS; k++)
            {
                final long id = id(index, k);
                if (random.nextBoolean())
                {
                    freeAll(target, id, random.nextBoolean(), 0);
                }
                else
                {
                    for (final Key key : new ArrayList<>(target.model.keySet()))
                    {
                        if (key.id == id)
                        {
                            free(target, key, random.nextBoolean(), false);
                        }
                    }
                }
            }
            if (!target.model.isEmpty() || 0 != target.bytes)
            {
                log.failure(where() + " " + target.name + ": " + target.model.size() + " variables left in the model");
            }
            for (int k = 0; k < IDS; k++)
            {
                final long id = id(index, k);
                for (int i = 0; i < LONG_PARENTS; i++)
                {
                    if (0 != target.store.get(parents[i], id))
                    {
                        log.failure(where() + " " + target.name + ": a variable of parent 0x" +
                            Long.toHexString(parents[i]) + " is still found after the thread freed all");
                    }
                }
                for (int i = 0; i < OBJECT_PARENTS; i++)
                {
                    if (0 != target.store.get(objects[i], id))
                    {
                        log.failure(where() + " " + target.name + ": a variable of an object parent is still found");
                    }
                }
            }
            if (!target.shared)
            {
                final ShadowStats stats = target.store.stats();
                if (0 != stats.liveVariables() || 0 != stats.liveBytes() || 0 != stats.pendingFreeBytes() ||
                    target.duplicates != stats.duplicateAllocs() || target.failed != stats.failedAllocs())
                {
                    log.failure(where() + " " + target.name + " after the final frees: " + describe(stats) +
                        ", expected 0 live, 0 pending, " + target.duplicates + " duplicates, " + target.failed + " failed");
                }
            }
        }
        for (final Target target : targets)
        {
            if (null != target.reader)
            {
                target.reader.close();
                target.reader.close(); // idempotent
            }
        }
        for (int i = 0; i < OBJECT_PARENTS; i++)
        {
            dropped.add(new WeakReference<>(objects[i]));
            objects[i] = null;
        }
        // Let go of the last keys too: the round then checks that no object parent stays reachable.
        ctorData.key = null;
        dtorKey = null;
        freeAllSeen.clear();
        raceData.race = null;
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    private Key randomKey()
    {
        final long id = id(index, random.nextInt(IDS));
        if (random.nextBoolean())
        {
            final int slot = random.nextInt(OBJECT_PARENTS);
            return new Key(0, objects[slot], id, slot);
        }
        return new Key(parents[random.nextInt(LONG_PARENTS)], null, id, -1);
    }

    private int randomSize()
    {
        final int pick = random.nextInt(100);
        int i = 0;
        while (pick >= SIZE_WEIGHTS[i])
        {
            i++;
        }
        return SIZES[i];
    }

    private long stampFor(final Key key)
    {
        final int hash = null != key.object ? System.identityHashCode(key.object) * 31 + (int)key.id :
            DataPattern.keyHash(key.parent, key.id);
        return DataPattern.stamp(hash, random.nextInt());
    }

    /**
     * Keep, now and then, data this thread may use until its read section ends: EPOCH inside a
     * section, QSBR until the next quiescent state. Whatever is freed meanwhile (by this thread
     * too), the data must stay as it was.
     */
    private void hold(final Target target, final long address, final int size, final long stamp)
    {
        final boolean protectedNow = target.shared &&
            (Reclamation.QSBR == target.store.reclamation() || target.inSection);
        if (protectedNow && size >= 8 && target.held < HOLD && random.nextInt(4) == 0)
        {
            target.heldAddress[target.held] = address;
            target.heldSize[target.held] = size;
            target.heldStamp[target.held] = stamp;
            target.held++;
        }
    }

    private void checkHeld(final Target target, final String when)
    {
        for (int i = 0; i < target.held; i++)
        {
            counts[Counter.HELD_CHECKED.ordinal()]++;
            data.wrap(target.heldAddress[i], target.heldSize[i]);
            final int bad = DataPattern.firstMismatch(data, target.heldStamp[i]);
            if (bad >= 0)
            {
                mismatch(target, "read section", null, "data got at 0x" + Long.toHexString(target.heldAddress[i]) +
                    " changed at offset " + bad + " before " + when + ": memory reused under a reader");
            }
        }
        target.held = 0;
    }

    private void verify(final Target target, final String op, final Key key, final Var expected)
    {
        data.wrap(expected.address, expected.size);
        final int bad = DataPattern.firstMismatch(data, expected.stamp);
        if (bad >= 0)
        {
            mismatch(target, op, key, "data differs at offset " + bad + " of " + expected);
        }
    }

    private void checkVar(final ShadowVar var, final Target target, final String op, final Key key, final int size)
    {
        final boolean parentOk = null != key.object ?
            var.parentObject() == key.object && 0 == var.parent() : var.parent() == key.parent && null == var.parentObject();
        if (!parentOk || var.id() != key.id || var.size() != size || var.data().capacity() != size ||
            var.data().addressOffset() != var.address())
        {
            mismatch(target, op, key, "ShadowVar " + var + " of " + var.data().capacity() + " bytes at 0x" +
                Long.toHexString(var.data().addressOffset()) + ", expected size " + size);
        }
    }

    private void forget(final Target target, final Key key, final Var existing)
    {
        if (null == existing)
        {
            return;
        }
        target.model.remove(key);
        target.bytes -= existing.size;
        if (null != key.object)
        {
            target.objectLive[key.slot]--;
        }
        counts[Counter.FREED.ordinal()]++;
    }

    private Target target(final ShadowStore store)
    {
        for (final Target target : targets)
        {
            if (target.store == store)
            {
                return target;
            }
        }
        throw new IllegalArgumentException("not a store of this thread: " + store);
    }

    private void mismatch(final Target target, final String op, final Key key, final String what)
    {
        log.mismatch(where() + " " + target.name + " " + op + (null == key ? "" : " " + key) + ": " + what);
    }

    private String where()
    {
        return round + " thread " + index + " step " + step;
    }

    static String describe(final ShadowStats stats)
    {
        return "live " + stats.liveVariables() + " (" + stats.liveBytes() + " B), reserved " + stats.reservedBytes() +
            " B, pending " + stats.pendingFreeBytes() + " B, duplicates " + stats.duplicateAllocs() + ", failed " +
            stats.failedAllocs();
    }

    static String stackTrace(final Throwable ex)
    {
        final StringWriter out = new StringWriter();
        ex.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    // ------------------------------------------------------------------------------------------
    // Model
    // ------------------------------------------------------------------------------------------

    /** One store as this thread sees it: its model of its own variables there, and its reader. */
    private static final class Target
    {
        final String name;
        final ShadowStore store;
        final boolean shared;
        final SharedRace race;
        final Map<Key, Var> model = new HashMap<>();
        final int[] objectLive = new int[OBJECT_PARENTS];
        final long[] heldAddress = new long[HOLD];
        final int[] heldSize = new int[HOLD];
        final long[] heldStamp = new long[HOLD];
        int held;
        ShadowReader reader;
        boolean inSection;
        long bytes;
        long duplicates;
        long failed;
        long seenDuplicates;
        long seenFailed;

        Target(final String name, final ShadowStore store, final boolean shared, final SharedRace race)
        {
            this.name = name;
            this.store = store;
            this.shared = shared;
            this.race = race;
        }
    }

    /** A key of either parent kind; object parents by identity. */
    private static final class Key
    {
        final long parent;
        final Object object;
        final long id;
        final int slot;

        Key(final long parent, final Object object, final long id, final int slot)
        {
            this.parent = parent;
            this.object = object;
            this.id = id;
            this.slot = slot;
        }

        long get(final ShadowStore store)
        {
            return null != object ? store.get(object, id) : store.get(parent, id);
        }

        boolean get(final ShadowStore store, final UnsafeBuffer view)
        {
            return null != object ? store.get(object, id, view) : store.get(parent, id, view);
        }

        long alloc(final ShadowStore store, final int size)
        {
            return null != object ? store.alloc(object, id, size) : store.alloc(parent, id, size);
        }

        long alloc(final ShadowStore store, final int size, final ShadowCtor<CtorData> ctor, final CtorData data)
        {
            return null != object ? store.alloc(object, id, size, ctor, data) : store.alloc(parent, id, size, ctor, data);
        }

        long getOrAlloc(final ShadowStore store, final int size)
        {
            return null != object ? store.getOrAlloc(object, id, size) : store.getOrAlloc(parent, id, size);
        }

        long getOrAlloc(final ShadowStore store, final int size, final ShadowCtor<CtorData> ctor, final CtorData data)
        {
            return null != object ? store.getOrAlloc(object, id, size, ctor, data) :
                store.getOrAlloc(parent, id, size, ctor, data);
        }

        boolean free(final ShadowStore store)
        {
            return null != object ? store.free(object, id) : store.free(parent, id);
        }

        boolean free(final ShadowStore store, final ShadowDtor dtor)
        {
            return null != object ? store.free(object, id, dtor) : store.free(parent, id, dtor);
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Key && ((Key)o).parent == parent && ((Key)o).object == object && ((Key)o).id == id;
        }

        @Override
        public int hashCode()
        {
            return Long.hashCode(parent * 31 + id) ^ System.identityHashCode(object);
        }

        @Override
        public String toString()
        {
            return "<" + (null != object ? "object@" + Integer.toHexString(System.identityHashCode(object)) :
                "0x" + Long.toHexString(parent)) + ", " + id + ">";
        }
    }

    /** What the model knows of a variable. */
    private static final class Var
    {
        final long address;
        final int size;
        final long stamp;

        Var(final long address, final int size, final long stamp)
        {
            this.address = address;
            this.size = size;
            this.stamp = stamp;
        }

        @Override
        public String toString()
        {
            return "0x" + Long.toHexString(address) + " (" + size + " B, stamp 0x" + Long.toHexString(stamp) + ")";
        }
    }

    /** Reusable ctor data: what the ctor must see and do. */
    private static final class CtorData
    {
        SoakWorker worker;
        Target target;
        Key key;
        int size;
        long stamp;
        int behaviour;
        boolean ran;
        RuntimeException thrown;

        void prepare(final Target target, final Key key, final int size, final long stamp, final int behaviour)
        {
            this.target = target;
            this.key = key;
            this.size = size;
            this.stamp = stamp;
            this.behaviour = behaviour;
            this.ran = false;
            this.thrown = null;
        }
    }
}
