package io.shadowvars.internal.reclaim;

import io.shadowvars.Reclamation;
import io.shadowvars.internal.PaddedLong;
import io.shadowvars.internal.jfr.ReclamationStalledEvent;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The store-wide half of deferred reuse, the store's stand-in for RCU's grace periods: the global
 * epoch and the registered readers. The per-segment half, where freed blocks wait, is
 * {@link RetireList}.
 *
 * <h2>EPOCH (after crossbeam-epoch, Fraser's epoch-based reclamation)</h2>
 * A global epoch {@code g}; each registered reader has a padded slot. {@code enter()} pins the
 * reader: it stores {@code g << 1 | 1} (opaque), then a full fence; {@code exit()} stores 0 with
 * release. Any writer may advance: it reads {@code g}, issues a full fence, reads every slot
 * (acquire) and, when every pinned reader is pinned at {@code g}, moves the epoch from {@code g}
 * to {@code g + 1} with a compare-and-set. Writers in different segments may race to advance; the
 * compare-and-set lets one of them win and makes the loser's scan, which may be stale, count for
 * nothing. A block retired with tag {@code t} (see {@link RetireList}: the epoch read after a full
 * fence that follows its unlink) is released once the epoch has reached {@code t + 2}.
 * <b>Why that is safe:</b> the advance from {@code t + 1} to {@code t + 2} found every pinned
 * reader pinned at {@code t + 1}. A reader pinned at {@code t} or earlier would have stopped it.
 * A reader pinned at {@code t + 1} read the epoch after it became {@code t + 1}, which is after
 * the retiring writer read {@code t}; with the writer's fence (after the unlink, before reading
 * the epoch) and the reader's fence (after pinning, before reading the table) both full fences,
 * the reader's table reads see the unlink, so it cannot find the block.
 *
 * <h2>QSBR (after Linux RCU / liburcu's QSBR flavour)</h2>
 * A reader's slot holds the last epoch it announced with {@code quiescent()} (release); at
 * registration it holds the current one. A writer advances from {@code g} once every reader has
 * announced {@code g}: every reader has passed a quiescent state since the epoch became
 * {@code g}. Nothing is added to {@code get}.
 *
 * <h2>NONE, and no readers</h2>
 * With {@code NONE}, or while no reader is registered, a retired block is released at once:
 * nobody can be in a section, and a reader registered later can only find what is linked then.
 * Registration takes every segment's write lock, so a writer's "no readers" decision, made under
 * its segment's lock, is ordered before or after the registration as a whole.
 *
 * <p>Thread-safe: the reader array is copy-on-write under every segment lock; the epoch is
 * advanced by compare-and-set.
 */
public final class Reclaimer
{
    private static final ReaderHandle[] NO_READERS = new ReaderHandle[0];
    private static final System.Logger LOGGER = System.getLogger("io.shadowvars");

    /** What the reclaimer needs of its store: every segment's lock, and their retired blocks. */
    public interface Writers
    {
        /** Take every segment's write lock, in index order. */
        void lockAll();

        /** Give every segment's write lock back. */
        void unlockAll();

        /** Release every segment's retired blocks now (called under every lock, with no readers). */
        void releaseAllRetired();
    }

    /**
     * Set in the global epoch by {@link #awaitReadersForClose} once the store is closed: a reader's
     * {@code enter()} tests it on the epoch it loads anyway, so the check costs no extra load.
     */
    static final long CLOSED = 1L << 62;

    private final Reclamation mode;
    private final boolean checked;
    private final PaddedLong epoch = new PaddedLong(0);
    /** How long the epoch may stand still, with memory pending, before a stall event is recorded. */
    static final long STALL_REPORT_NANOS = 10_000_000L;

    private volatile ReaderHandle[] readers = NO_READERS;
    private Writers writers;
    // Racy by design (any writer may update them): they only decide when a JFR event is due.
    private volatile long lastAdvanceNanos = System.nanoTime();
    private volatile long stallReportedAt = -1;

    /**
     * Create a reclaimer.
     *
     * @param mode    the reclamation mode.
     * @param checked whether reader handles verify their use.
     */
    public Reclaimer(final Reclamation mode, final boolean checked)
    {
        this.mode = mode;
        this.checked = checked;
    }

    /**
     * Connect the store's segments (once, before any reader registers).
     *
     * @param writers the store's segments.
     */
    public void bind(final Writers writers)
    {
        this.writers = writers;
    }

    /**
     * The reclamation mode.
     *
     * @return the mode.
     */
    public Reclamation mode()
    {
        return mode;
    }

    /**
     * Register a reader for the calling thread. The caller holds every segment's write lock.
     *
     * @return a new handle.
     */
    public ReaderHandle register()
    {
        pruneTerminated();
        final ReaderHandle handle = new ReaderHandle(this, epoch, mode, checked,
            Reclamation.QSBR == mode ? epoch.getAcquire() : 0L);
        if (Reclamation.NONE != mode)
        {
            final ReaderHandle[] old = readers;
            final ReaderHandle[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = handle;
            readers = grown;
        }
        return handle;
    }

    /**
     * Unregister a reader. Called by {@link ReaderHandle#close()}; takes every segment's lock.
     *
     * @param handle the reader.
     */
    void unregister(final ReaderHandle handle)
    {
        writers.lockAll();
        try
        {
            final ReaderHandle[] old = readers;
            for (int i = 0; i < old.length; i++)
            {
                if (old[i] == handle)
                {
                    final ReaderHandle[] shrunk = new ReaderHandle[old.length - 1];
                    System.arraycopy(old, 0, shrunk, 0, i);
                    System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                    readers = shrunk;
                    if (0 == shrunk.length)
                    {
                        writers.releaseAllRetired();
                    }
                    return;
                }
            }
        }
        finally
        {
            writers.unlockAll();
        }
    }

    /**
     * Drop the handles of readers whose thread has terminated (contract rule 12), logging each once.
     * The caller holds every segment's lock. A terminated thread can neither be inside a section
     * nor enter one, so nothing it read can still be in use.
     */
    public void pruneTerminated()
    {
        final ReaderHandle[] old = readers;
        int alive = 0;
        for (final ReaderHandle reader : old)
        {
            if (!reader.ownerTerminated())
            {
                alive++;
            }
        }
        if (alive == old.length)
        {
            return;
        }
        final ReaderHandle[] kept = new ReaderHandle[alive];
        int k = 0;
        for (final ReaderHandle reader : old)
        {
            if (reader.ownerTerminated())
            {
                warnTerminated(reader);
            }
            else
            {
                kept[k++] = reader;
            }
        }
        readers = kept;
        if (0 == kept.length)
        {
            writers.releaseAllRetired();
        }
    }

    /**
     * Record a JFR event, once per epoch, when a reader has kept the epoch at {@code g} for longer
     * than {@value #STALL_REPORT_NANOS} ns. Costs a clock read only when an advance fails.
     */
    private void stalledBy(final ReaderHandle reader, final long g)
    {
        final long stalled = System.nanoTime() - lastAdvanceNanos;
        if (stalled > STALL_REPORT_NANOS && stallReportedAt != g)
        {
            stallReportedAt = g;
            final ReclamationStalledEvent event = new ReclamationStalledEvent();
            if (event.shouldCommit())
            {
                event.readerThread = reader.ownerName();
                event.stalledNanos = stalled;
                event.commit();
            }
        }
    }

    private static void warnTerminated(final ReaderHandle reader)
    {
        if (reader.claimWarning() && LOGGER.isLoggable(System.Logger.Level.WARNING))
        {
            LOGGER.log(System.Logger.Level.WARNING, "ShadowReader of terminated thread '" + reader.ownerName() +
                "' released " + (reader.pinned() ? "(it died inside a read section)" : "(it was never closed)"));
        }
    }

    /**
     * Whether a retired block must wait for a grace period: false with NONE or no reader.
     * Read under a segment lock (registration takes all of them).
     *
     * @return true when blocks must wait.
     */
    public boolean mustDefer()
    {
        return Reclamation.NONE != mode && 0 != readers.length;
    }

    /**
     * The global epoch (acquire).
     *
     * @return the epoch.
     */
    public long epoch()
    {
        return epoch.getAcquire();
    }

    /**
     * Whether the calling thread is inside an EPOCH read section of this store.
     *
     * @return true when one of its handles is pinned.
     */
    public boolean callerInSection()
    {
        final Thread me = Thread.currentThread();
        for (final ReaderHandle reader : readers)
        {
            if (reader.ownedBy(me) && reader.pinned())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * For {@code close()}, after the tables were closed (no lookup can find anything any more):
     * wait until no reader can still hold data found before, or until the bound passes. An EPOCH
     * reader holds data while it stays in the section it was in (the epoch is advanced first, so
     * a section entered afterwards is told apart); a QSBR reader until its next
     * {@code quiescent()}; a reader whose thread terminated holds nothing.
     *
     * @param boundNanos how long to wait at most.
     * @return the handle still holding data when the bound passed, or null when none does.
     */
    public ReaderHandle awaitReadersForClose(final long boundNanos)
    {
        final long g = epoch.getAcquire();
        // Writers are all shut out (the store is marked closed under every lock): nobody races this.
        // The CLOSED bit makes every later enter() throw; the value stays above g, so a reader
        // that pins or announces it afterwards holds nothing.
        epoch.setRelease((g + 1) | CLOSED);
        VarHandle.fullFence();
        if (Reclamation.NONE == mode)
        {
            return null;
        }
        final long deadline = System.nanoTime() + boundNanos;
        for (final ReaderHandle reader : readers)
        {
            int waits = 0;
            while (true)
            {
                final long local = reader.local();
                final boolean holds = Reclamation.EPOCH == mode ? (local & 1) != 0 && (local >>> 1) <= g : local <= g;
                if (!holds || reader.ownerTerminated() || reader.isClosed())
                {
                    break;
                }
                if (System.nanoTime() - deadline > 0)
                {
                    return reader;
                }
                if (++waits < 100)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos(50_000);
                }
            }
        }
        return null;
    }

    /**
     * Try to advance the global epoch once.
     *
     * @return true when this call advanced it.
     */
    public boolean tryAdvance()
    {
        if (Reclamation.NONE == mode)
        {
            return false;
        }
        final ReaderHandle[] readers = this.readers;
        final long g = epoch.getAcquire();
        // Pairs with the fence in ReaderHandle.enter(): see the class comment.
        VarHandle.fullFence();
        for (final ReaderHandle reader : readers)
        {
            final long local = reader.local();
            final boolean holdsBack = Reclamation.EPOCH == mode ? (local & 1) != 0 && (local >>> 1) != g : local != g;
            // A reader whose thread died (in a section, or without quiescent()) holds nothing:
            // it is skipped here and dropped, with its warning, at the next all-segment operation.
            if (holdsBack)
            {
                if (!reader.ownerTerminated())
                {
                    stalledBy(reader, g);
                    return false;
                }
                warnTerminated(reader);
            }
        }
        // Release: a reader that acquires g + 1 sees every unlink ordered before this advance.
        if (epoch.compareAndSet(g, g + 1))
        {
            lastAdvanceNanos = System.nanoTime();
            return true;
        }
        return false;
    }
}
