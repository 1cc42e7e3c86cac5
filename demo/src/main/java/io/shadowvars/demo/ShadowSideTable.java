package io.shadowvars.demo;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowCounters;
import io.shadowvars.ShadowStore;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The pipeline's metadata kept in a {@link ShadowStore}: off-heap, found by {@code <buffer address,
 * id>}, no allocation on the Java heap in any step.
 */
final class ShadowSideTable implements SideTable
{
    /**
     * The one constructor for every variable the producer attaches, a stateless singleton. It reads
     * the producer's {@link RxInfo} (never a boxed primitive) and writes by the variable's id.
     */
    static final ShadowCtor<RxInfo> CTOR = (var, rx) ->
    {
        final MutableDirectBuffer data = var.data();
        final long id = var.id();
        if (RxMeta.RX_META_ID == id)
        {
            data.putLong(RxMeta.SEQ, rx.seq);
            data.putLong(RxMeta.RX_NANOS, rx.rxNanos);
            data.putLong(RxMeta.FLAGS, rx.flags);
            data.putLong(RxMeta.checkOffset(var.size()), rx.seq ^ RxMeta.CHECK_MAGIC);
        }
        else if (RxMeta.IN_FLIGHT_ID == id)
        {
            data.putLong(0, rx.seq ^ RxMeta.ROUTE_MAGIC);
            data.putLong(8, rx.slot);
        }
        rx.constructed = true;
        return 0;
    };

    private final ShadowStore store;
    /** Filled by readCounters (no lock, no allocation) for the reporting thread, the only caller. */
    private final ShadowCounters counters = new ShadowCounters();

    /**
     * A store for the pipeline.
     *
     * @param reclamation how freed metadata waits for readers.
     * @param capacity    expected live variables, to size the table up front.
     * @param checked     the store's checked mode (poisons reclaimed memory, detects misuse).
     */
    ShadowSideTable(final Reclamation reclamation, final int capacity, final boolean checked)
    {
        store = ShadowStore.builder()
            .reclamation(reclamation)
            .alignment(64) // consumers on different cores write metadata: keep variables off shared lines
            .initialCapacity(capacity)
            .checked(checked)
            // The two consumers take consecutive buffers: with one buffer per region they write to
            // different segments, where the default 16 KiB region (64 buffers) made them meet on
            // one segment's lock and version for every packet (docs/DEMO.md, "Configuration").
            .regionSize(PacketPool.SLOT_BYTES)
            .build();
    }

    /**
     * The store, for reports.
     *
     * @return the store.
     */
    ShadowStore store()
    {
        return store;
    }

    @Override
    public String name()
    {
        return "shadowvars";
    }

    @Override
    public Session session()
    {
        return new ShadowSession(store);
    }

    @Override
    public long liveVariables()
    {
        return store.readCounters(counters).liveVariables();
    }

    @Override
    public long reservedBytes()
    {
        return store.readCounters(counters).reservedBytes();
    }

    @Override
    public long pendingFreeBytes()
    {
        return store.readCounters(counters).pendingFreeBytes();
    }

    @Override
    public long duplicateAllocs()
    {
        return store.readCounters(counters).duplicateAllocs();
    }

    @Override
    public long failedAllocs()
    {
        return store.readCounters(counters).failedAllocs();
    }

    /**
     * {@code stats()}: takes every segment's lock and lets the epoch advance, so that memory no
     * reader holds is released before the figures after the drain are read.
     */
    @Override
    public void settle()
    {
        store.stats();
    }

    @Override
    public void close()
    {
        store.close();
    }

    private static final class ShadowSession implements Session
    {
        private final ShadowStore store;
    /** Filled by readCounters (no lock, no allocation) for the reporting thread, the only caller. */
    private final ShadowCounters counters = new ShadowCounters();
        private final ShadowReader reader;
        private final boolean epoch;
        private final boolean qsbr;
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

        ShadowSession(final ShadowStore store)
        {
            this.store = store;
            this.reader = store.reader();
            this.epoch = store.reclamation() == Reclamation.EPOCH;
            this.qsbr = store.reclamation() == Reclamation.QSBR;
        }

        @Override
        public boolean getOrAllocMeta(final long parent, final int size, final RxInfo rx)
        {
            return 0 != store.getOrAlloc(parent, RxMeta.RX_META_ID, size, CTOR, rx);
        }

        @Override
        public boolean alloc(final long parent, final long id, final int size, final RxInfo rx)
        {
            return 0 != store.alloc(parent, id, size, CTOR, rx);
        }

        @Override
        public boolean find(final long parent, final long id)
        {
            return store.get(parent, id, view);
        }

        @Override
        public long getLong(final int offset)
        {
            return view.getLong(offset);
        }

        @Override
        public void putLong(final int offset, final long value)
        {
            view.putLong(offset, value);
        }

        @Override
        public boolean free(final long parent, final long id)
        {
            return store.free(parent, id);
        }

        @Override
        public void enter()
        {
            if (epoch)
            {
                reader.enter();
            }
        }

        @Override
        public void exit()
        {
            if (epoch)
            {
                reader.exit();
            }
        }

        @Override
        public void quiescent()
        {
            if (qsbr)
            {
                reader.quiescent();
            }
        }

        @Override
        public void close()
        {
            reader.close();
        }
    }
}
