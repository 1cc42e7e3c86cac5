package io.shadowvars.demo;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The receive pipeline: one producer fills packet buffers taken from a free-slot queue and attaches
 * their metadata; consumers take them from a work queue, look the metadata up, verify and update it,
 * free it and give the buffer back. Slots travel as {@code int}s through two {@link IndexQueue}s,
 * so the hand-off allocates nothing.
 *
 * <h2>Per packet</h2>
 * <pre>
 * producer:  write payload bytes; expected[slot] = seq
 *            getOrAlloc(buf, RX_META, size, ctor, rx)   ctor writes seq, timestamp, flags, check word
 *            alloc(buf, IN_FLIGHT, 16, ctor, rx)        a quarter of the packets
 *            alloc(buf, FLAG, 0)                        a third of the packets
 *            work.put(slot)
 * consumer:  enter()  (EPOCH)
 *            get(buf, RX_META); verify against expected[slot] and the packet; write consumer fields
 *            get(buf, IN_FLIGHT), get(buf, FLAG): present exactly when the flags say so
 *            exit()
 *            free(buf, RX_META), free the extras; freeSlots.put(slot); quiescent()  (QSBR)
 * </pre>
 * With {@code NONE} reclamation one thread runs both steps over the ring of slots, keeping all but
 * one buffer in flight, as the threads do.
 */
final class Pipeline
{
    private final PacketPool pool;
    private final SideTable table;
    private final int payload;
    private final boolean idlePark;
    private final long[] expectedSeq;
    private final IndexQueue freeSlots;
    private final IndexQueue work;

    volatile boolean running = true;
    volatile boolean measuring;
    volatile boolean producerDone;
    final long startNanos;

    /**
     * A pipeline with every buffer free.
     *
     * @param pool    the packet buffers.
     * @param table   where metadata goes.
     * @param payload  the metadata size.
     * @param idlePark idle threads park after a few spins instead of spinning and yielding first.
     */
    Pipeline(final PacketPool pool, final SideTable table, final int payload, final boolean idlePark)
    {
        this.pool = pool;
        this.table = table;
        this.payload = payload;
        this.idlePark = idlePark;
        final int slots = pool.slots();
        expectedSeq = new long[slots];
        freeSlots = new IndexQueue(slots);
        work = new IndexQueue(slots);
        for (int slot = 0; slot < slots; slot++)
        {
            freeSlots.put(slot);
        }
        startNanos = System.nanoTime();
    }

    /**
     * Stop producing; consumers drain what is in flight and stop.
     */
    void stop()
    {
        running = false;
    }

    private void failed(final Worker worker, final Throwable ex)
    {
        worker.failure = ex;
        running = false;
    }

    private IdleStrategy idleStrategy()
    {
        // The same for every thread and both side tables. With three busy threads on two cores a
        // spinning or yielding idle thread keeps a core from a thread that has work (--idle park).
        return idlePark ?
            new BackoffIdleStrategy(10, 0, 1_000, 100_000) :
            new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    }

    /**
     * The producer's step and thread.
     */
    final class Producer extends Worker
    {
        private final RxInfo rx = new RxInfo();
        private final UnsafeBuffer packets = pool.buffer();
        private long sequence;

        @Override
        public void run()
        {
            final IdleStrategy idle = idleStrategy();
            try (SideTable.Session session = table.session())
            {
                while (running)
                {
                    final int slot = freeSlots.poll();
                    if (slot < 0)
                    {
                        session.quiescent();
                        idle.idle();
                        continue;
                    }
                    idle.reset();
                    produce(session, slot, measuring);
                    work.put(slot);
                    session.quiescent(); // registered, so it must announce it holds nothing
                }
            }
            catch (final Throwable ex)
            {
                failed(this, ex);
            }
            finally
            {
                producerDone = true;
            }
        }

        /**
         * Receive a packet into a free buffer and attach its metadata.
         *
         * @param session this thread's session.
         * @param slot    a free buffer.
         * @param measure whether to record latencies.
         */
        void produce(final SideTable.Session session, final int slot, final boolean measure)
        {
            final long seq = ++sequence;
            final long parent = pool.address(slot);
            final int offset = pool.offset(slot);
            final UnsafeBuffer packets = this.packets;
            final long rxNanos = System.nanoTime();
            packets.putLong(offset, seq);
            packets.putLong(offset + 8, rxNanos);
            packets.setMemory(offset + 16, PacketPool.SLOT_BYTES - 16, (byte)seq);
            expectedSeq[slot] = seq; // published to the consumer by the work queue's release store

            final long flags = RxMeta.flagsFor(seq);
            final RxInfo rx = this.rx;
            rx.seq = seq;
            rx.rxNanos = rxNanos;
            rx.flags = flags;
            rx.slot = slot;
            rx.constructed = false;

            final long start = System.nanoTime();
            final boolean made = session.getOrAllocMeta(parent, payload, rx);
            final long end = System.nanoTime();
            if (measure)
            {
                record(getOrAlloc, start, end);
            }
            if (!made)
            {
                mismatch("getOrAlloc refused", slot, seq, 0);
            }
            else if (!rx.constructed)
            {
                mismatch("stale metadata on a recycled buffer: ctor did not run", slot, seq, 1);
            }

            int calls = 1;
            if ((flags & RxMeta.HAS_IN_FLIGHT) != 0)
            {
                attach(session, slot, parent, RxMeta.IN_FLIGHT_ID, RxMeta.IN_FLIGHT_BYTES, measure);
                calls++;
            }
            if ((flags & RxMeta.HAS_FLAG) != 0)
            {
                attach(session, slot, parent, RxMeta.FLAG_ID, 0, measure);
                calls++;
            }
            if (measure)
            {
                measuredPackets++;
            }
            progress(calls);
        }

        private void attach(
            final SideTable.Session session,
            final int slot,
            final long parent,
            final long id,
            final int size,
            final boolean measure)
        {
            final long start = System.nanoTime();
            final boolean made = session.alloc(parent, id, size, rx);
            final long end = System.nanoTime();
            if (measure)
            {
                record(alloc, start, end);
            }
            if (!made)
            {
                mismatch("alloc refused for id 0x" + Long.toHexString(id), slot, rx.seq, 0);
            }
        }
    }

    /**
     * A consumer's step and thread.
     */
    final class Consumer extends Worker
    {
        private final long consumerId;
        private final UnsafeBuffer packets = pool.buffer();

        /**
         * A consumer.
         *
         * @param consumerId from 1, written into the metadata it handles.
         */
        Consumer(final int consumerId)
        {
            this.consumerId = consumerId;
        }

        @Override
        public void run()
        {
            final IdleStrategy idle = idleStrategy();
            try (SideTable.Session session = table.session())
            {
                while (true)
                {
                    int slot = work.poll();
                    if (slot < 0)
                    {
                        if (producerDone)
                        {
                            slot = work.poll(); // all offers happened before producerDone was set
                            if (slot < 0)
                            {
                                break;
                            }
                        }
                        else
                        {
                            session.quiescent();
                            idle.idle();
                            continue;
                        }
                    }
                    idle.reset();
                    consume(session, slot, measuring);
                    freeSlots.put(slot);
                    session.quiescent(); // QSBR: nothing got before now is held any more
                }
            }
            catch (final Throwable ex)
            {
                failed(this, ex);
            }
        }

        /**
         * Look a packet's metadata up, verify and update it, then free it and the extras.
         *
         * @param session this thread's session.
         * @param slot    a buffer the producer filled.
         * @param measure whether to record latencies.
         */
        void consume(final SideTable.Session session, final int slot, final boolean measure)
        {
            final long parent = pool.address(slot);
            final long expected = expectedSeq[slot];
            final long expectedFlags = RxMeta.flagsFor(expected);
            final boolean inFlight = (expectedFlags & RxMeta.HAS_IN_FLIGHT) != 0;
            final boolean flagged = (expectedFlags & RxMeta.HAS_FLAG) != 0;

            session.enter();
            long start = System.nanoTime();
            final boolean found = session.find(parent, RxMeta.RX_META_ID);
            long end = System.nanoTime();
            if (measure)
            {
                record(get, start, end);
            }
            if (found)
            {
                verifyAndUpdate(session, slot, expected, expectedFlags);
            }
            else
            {
                mismatch("metadata missing", slot, expected, 0);
            }

            start = System.nanoTime();
            final boolean foundInFlight = session.find(parent, RxMeta.IN_FLIGHT_ID);
            end = System.nanoTime();
            if (measure)
            {
                record(get, start, end);
            }
            if (foundInFlight != inFlight)
            {
                mismatch(inFlight ? "in-flight variable missing" : "in-flight variable left over", slot, expected, 0);
            }
            else if (foundInFlight && session.getLong(0) != (expected ^ RxMeta.ROUTE_MAGIC))
            {
                mismatch("in-flight variable holds another packet's route", slot, expected, session.getLong(0));
            }

            start = System.nanoTime();
            final boolean foundFlag = session.find(parent, RxMeta.FLAG_ID);
            end = System.nanoTime();
            if (measure)
            {
                record(get, start, end);
            }
            if (foundFlag != flagged)
            {
                mismatch(flagged ? "flag variable missing" : "flag variable left over", slot, expected, 0);
            }
            session.exit();

            // The buffer goes back to the pool: free its shadow variables first (the parent's lifecycle).
            int calls = 4;
            freeVariable(session, slot, parent, RxMeta.RX_META_ID, expected, measure);
            if (inFlight)
            {
                freeVariable(session, slot, parent, RxMeta.IN_FLIGHT_ID, expected, measure);
                calls++;
            }
            if (flagged)
            {
                freeVariable(session, slot, parent, RxMeta.FLAG_ID, expected, measure);
                calls++;
            }
            if (measure)
            {
                measuredPackets++;
            }
            progress(calls);
        }

        private void verifyAndUpdate(
            final SideTable.Session session, final int slot, final long expected, final long expectedFlags)
        {
            final long seq = session.getLong(RxMeta.SEQ);
            final long rxNanos = session.getLong(RxMeta.RX_NANOS);
            final long flags = session.getLong(RxMeta.FLAGS);
            final long check = session.getLong(RxMeta.checkOffset(payload));
            final long consumer = session.getLong(RxMeta.CONSUMER);
            final long now = System.nanoTime();
            final int offset = pool.offset(slot);

            if (seq != expected)
            {
                mismatch("sequence number", slot, expected, seq);
            }
            else if (check != (expected ^ RxMeta.CHECK_MAGIC))
            {
                mismatch("check word", slot, expected, check);
            }
            else if (flags != expectedFlags)
            {
                mismatch("flags", slot, expected, flags);
            }
            else if (rxNanos - startNanos < 0 || now - rxNanos < 0)
            {
                mismatch("receive timestamp outside the run", slot, expected, rxNanos);
            }
            else if (0 != consumer)
            {
                mismatch("already handled by consumer", slot, expected, consumer);
            }
            else if (packets.getLong(offset) != expected || packets.getLong(offset + 8) != rxNanos)
            {
                mismatch("metadata does not match the packet bytes", slot, expected, packets.getLong(offset));
            }
            session.putLong(RxMeta.CONSUMER, consumerId);
            session.putLong(RxMeta.CONSUMED_NANOS, now);
        }

        private void freeVariable(
            final SideTable.Session session,
            final int slot,
            final long parent,
            final long id,
            final long expected,
            final boolean measure)
        {
            final long start = System.nanoTime();
            final boolean freed = session.free(parent, id);
            final long end = System.nanoTime();
            if (measure)
            {
                record(free, start, end);
            }
            if (!freed)
            {
                mismatch("free found nothing for id 0x" + Long.toHexString(id), slot, expected, 0);
            }
        }
    }

    /**
     * {@code NONE} reclamation: one thread runs the producer's and the consumer's steps over the ring.
     */
    final class Solo extends Worker
    {
        final Producer producer = new Producer();
        final Consumer consumer = new Consumer(1);

        @Override
        public void run()
        {
            final int slots = pool.slots();
            long produced = 0;
            try (SideTable.Session session = table.session())
            {
                try
                {
                    while (running)
                    {
                        final boolean measure = measuring;
                        final int slot = (int)(produced % slots);
                        if (produced >= slots)
                        {
                            consumer.consume(session, slot, measure);
                        }
                        producer.produce(session, slot, measure);
                        produced++;
                    }
                }
                finally
                {
                    producerDone = true;
                }
                for (long n = Math.max(0, produced - slots); n < produced; n++)
                {
                    consumer.consume(session, (int)(n % slots), false);
                }
            }
            catch (final Throwable ex)
            {
                failed(this, ex);
            }
        }
    }
}
