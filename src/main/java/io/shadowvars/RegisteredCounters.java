package io.shadowvars;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A store's counters registered in an Agrona {@link CountersManager}, made by
 * {@link ShadowStore#registerCounters(CountersManager, String)}: a tool outside the process that
 * maps the manager's buffers (a memory-mapped file, as Aeron's CnC file and {@code AeronStat})
 * reads them with a {@link org.agrona.concurrent.status.CountersReader} while the store runs.
 *
 * <p>One counter per {@link Kind}, labelled {@code "<label>: <kind>"} (for instance
 * {@code "rx-meta: live variables"}), with the type id {@link Kind#typeId()} and no key.
 *
 * <h2>When the values are refreshed</h2>
 * The counters do not follow the store by themselves: the store's hot paths are not touched.
 * They are written once when registered and then each time {@link #update()} is called, by
 * whichever thread the caller chooses (a monitoring thread, an Agrona duty cycle, a timer); a
 * reader sees the figures as of the last {@code update()}, so they are as stale as the caller's
 * update period. {@code update()} takes no lock and allocates nothing: it fills a
 * {@link ShadowCounters} as {@link ShadowStore#readCounters(ShadowCounters)} does (a sum over the
 * segments while writers go on, not one consistent snapshot; pending memory is not released
 * first) and stores each figure with release semantics.
 *
 * <h2>Closing</h2>
 * {@link #close()}, or {@link ShadowStore#close()} of the store, frees the counters in the
 * manager (their ids become reusable) after any {@code update()} in progress has finished; from
 * then on {@code update()} does nothing and returns {@code false}.
 *
 * <h2>Thread safety</h2>
 * {@code update()} and {@code close()} may be called from any thread. Two threads calling
 * {@code update()} at once do not wait for each other: one of them writes and the other returns
 * {@code false}. The manager itself is used only while registering and while closing: an Agrona
 * {@code CountersManager} is not thread-safe, so when other threads allocate or free counters in
 * the same manager meanwhile, pass a {@link org.agrona.concurrent.status.ConcurrentCountersManager}.
 */
public final class RegisteredCounters implements AutoCloseable
{
    /**
     * The store's counters, in the order they are allocated in the manager.
     */
    public enum Kind
    {
        /** {@link ShadowStats#liveVariables()}. */
        LIVE_VARIABLES("live variables"),
        /** {@link ShadowStats#liveBytes()}. */
        LIVE_BYTES("live bytes"),
        /** {@link ShadowStats#reservedBytes()}. */
        RESERVED_BYTES("reserved bytes"),
        /** {@link ShadowStats#pendingFreeBytes()}. */
        PENDING_FREE_BYTES("pending-free bytes"),
        /** {@link ShadowStats#duplicateAllocs()}. */
        DUPLICATE_ALLOCS("duplicate allocs"),
        /** {@link ShadowStats#failedAllocs()}. */
        FAILED_ALLOCS("failed allocs");

        /**
         * The first type id: a counter of kind {@code k} has type id {@code TYPE_ID_BASE + k.ordinal()}.
         * Chosen outside the range Aeron reserves for its own counters (0 to 999).
         */
        public static final int TYPE_ID_BASE = 0x5356_0000;

        private static final Kind[] VALUES = values();

        private final String suffix;

        Kind(final String suffix)
        {
            this.suffix = suffix;
        }

        /**
         * The type id the counter of this kind is allocated with, for tools that look counters up by type.
         *
         * @return {@link #TYPE_ID_BASE} plus the ordinal.
         */
        public int typeId()
        {
            return TYPE_ID_BASE + ordinal();
        }

        /**
         * What follows {@code "<label>: "} in the counter's label.
         *
         * @return e.g. {@code "live variables"}.
         */
        public String labelSuffix()
        {
            return suffix;
        }
    }

    private static final int IDLE = 0;
    private static final int UPDATING = 1;
    private static final int CLOSED = 2;
    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(RegisteredCounters.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final ShadowStore store;
    private final String label;
    private final AtomicCounter[] counters;
    private final ShadowCounters scratch = new ShadowCounters();
    @SuppressWarnings("unused") // through STATE
    private volatile int state = IDLE;

    /**
     * Allocate the counters; on failure frees those already allocated and rethrows.
     */
    RegisteredCounters(final ShadowStore store, final CountersManager manager, final String label)
    {
        this.store = store;
        this.label = label;
        final AtomicCounter[] allocated = new AtomicCounter[Kind.VALUES.length];
        try
        {
            for (final Kind kind : Kind.VALUES)
            {
                allocated[kind.ordinal()] = manager.newCounter(label + ": " + kind.suffix, kind.typeId());
            }
        }
        catch (final RuntimeException ex)
        {
            for (final AtomicCounter counter : allocated)
            {
                if (null != counter)
                {
                    counter.close();
                }
            }
            throw ex;
        }
        this.counters = allocated;
    }

    /**
     * The longest label {@link ShadowStore#registerCounters(CountersManager, String)} accepts for
     * a manager: the longest counter label ({@code "<label>: pending-free bytes"}) must fit
     * {@link org.agrona.concurrent.status.CountersReader#MAX_LABEL_LENGTH} bytes in the manager's
     * label charset; Agrona would cut a longer one short.
     */
    static void checkLabel(final CountersManager manager, final String label)
    {
        if (label.isBlank())
        {
            throw new IllegalArgumentException("label must not be blank: \"" + label + "\"");
        }
        for (final Kind kind : Kind.VALUES)
        {
            final String full = label + ": " + kind.suffix;
            final int bytes = full.getBytes(manager.labelCharset()).length;
            if (bytes > CountersManager.MAX_LABEL_LENGTH)
            {
                throw new IllegalArgumentException("label too long: \"" + full + "\" is " + bytes + " bytes in " +
                    manager.labelCharset() + ", at most " + CountersManager.MAX_LABEL_LENGTH);
            }
        }
    }

    /**
     * Copy the store's counters into the registered ones. Lock-free and allocation-free: reads
     * the segments' counters as {@link ShadowStore#readCounters(ShadowCounters)} does and stores
     * each figure with release semantics ({@link AtomicCounter#setRelease(long)}). Does not throw
     * when the store has closed: the store closes this handle first.
     *
     * @return {@code true} when the counters were written; {@code false} when the handle (or its
     * store) is closed, or when another thread's {@code update()} is writing them at this moment.
     */
    public boolean update()
    {
        if (!STATE.compareAndSet(this, IDLE, UPDATING))
        {
            return false;
        }
        try
        {
            final ShadowCounters values = store.sumCounters(scratch);
            final AtomicCounter[] counters = this.counters;
            counters[Kind.LIVE_VARIABLES.ordinal()].setRelease(values.liveVariables);
            counters[Kind.LIVE_BYTES.ordinal()].setRelease(values.liveBytes);
            counters[Kind.RESERVED_BYTES.ordinal()].setRelease(values.reservedBytes);
            counters[Kind.PENDING_FREE_BYTES.ordinal()].setRelease(values.pendingFreeBytes);
            counters[Kind.DUPLICATE_ALLOCS.ordinal()].setRelease(values.duplicateAllocs);
            counters[Kind.FAILED_ALLOCS.ordinal()].setRelease(values.failedAllocs);
        }
        finally
        {
            // Release: close() acquires IDLE before it frees the counters, after these writes.
            STATE.setRelease(this, IDLE);
        }
        return true;
    }

    /**
     * The id of a counter in the manager, as a {@link org.agrona.concurrent.status.CountersReader}
     * reads it. Stays the same after {@link #close()}, when the id may have been handed to another
     * counter.
     *
     * @param kind which counter.
     * @return its counter id.
     * @throws NullPointerException when kind is null.
     */
    public int counterId(final Kind kind)
    {
        return counters[kind.ordinal()].id();
    }

    /**
     * The label given at registration.
     *
     * @return the label, without a kind's suffix.
     */
    public String label()
    {
        return label;
    }

    /**
     * Whether the counters have been freed, by {@link #close()} or by the store's close.
     *
     * @return {@code true} once closed.
     */
    public boolean isClosed()
    {
        return CLOSED == (int)STATE.getVolatile(this);
    }

    /**
     * Free the counters in the manager: they leave the manager's allocated records and their ids
     * may be reused. Waits (spinning, without a lock) for an {@link #update()} in progress on
     * another thread to finish, so that no value is written into a freed counter. Idempotent.
     * Uses the manager: see the class's note on thread safety.
     */
    @Override
    public void close()
    {
        if (closeCounters())
        {
            store.forgetCounters(this);
        }
    }

    /**
     * Free the counters without telling the store (which calls this while closing).
     *
     * @return {@code true} when this call closed them, {@code false} when they were closed already.
     */
    boolean closeCounters()
    {
        int current;
        while (IDLE != (current = (int)STATE.compareAndExchange(this, IDLE, CLOSED)))
        {
            if (CLOSED == current)
            {
                return false;
            }
            Thread.onSpinWait(); // an update() is writing: a few stores
        }
        for (final AtomicCounter counter : counters)
        {
            counter.close();
        }
        return true;
    }

    /**
     * The label and counter ids, for logs.
     *
     * @return a description (allocates).
     */
    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder("RegisteredCounters{label=\"").append(label).append("\", ids=[");
        for (int i = 0; i < counters.length; i++)
        {
            text.append(i == 0 ? "" : ", ").append(counters[i].id());
        }
        return text.append("], closed=").append(isClosed()).append('}').toString();
    }
}
