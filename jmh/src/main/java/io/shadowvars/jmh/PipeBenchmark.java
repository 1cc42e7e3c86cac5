package io.shadowvars.jmh;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.agrona.UnsafeApi;
import org.jctools.maps.NonBlockingHashMapLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A producer/consumer pipe over pooled buffers, the demo's pipeline cut to its table operations.
 * {@value #BUFFERS} buffer addresses (64-byte-aligned, never dereferenced) cycle through a pool.
 * The producer takes a free buffer, attaches 64 bytes of metadata with {@code getOrAlloc} (always
 * a miss that allocates: the buffer's last variable was freed before it went back), writes a
 * sequence number and the address into it, and hands the buffer to the consumer over a bounded
 * ring of {@value #IN_FLIGHT}. The consumer takes it, looks the metadata up inside a read section
 * ({@code ShadowReader.enter()/exit()}) and checks it, frees it, and returns the buffer to the
 * pool over a second ring. Both rings are {@link LongSpscRing}s, which allocate nothing.
 *
 * <p>One operation is one buffer moved by one side, so the group's score ({@code pipe}) is the sum
 * of the producer's and the consumer's rates, twice the buffers per microsecond. A side that
 * cannot move a buffer (pool empty or ring full; ring empty) spins with {@code onSpinWait} until
 * it can, or until JMH ends the measurement ({@link Control#stopMeasurement}), when it gives up
 * without having taken anything (after a short park: see {@link #GIVE_UP_NANOS}). A buffer is therefore always in the pool, or in the ring with
 * its metadata attached; between iterations the ring is drained (metadata freed, buffers back in
 * the pool) and the counts are checked, and at the end every buffer must be back in the pool
 * exactly once with no metadata left, or the teardown throws.
 *
 * <p>shadowvars is a store with EPOCH reclamation and the consumer's reader registered; chm is
 * {@code ConcurrentHashMap<Long, long[]>} and nbhml JCTools' {@code NonBlockingHashMapLong<long[]>},
 * each with a new {@code long[8]} per buffer ({@code putIfAbsent}, then {@code get} and
 * {@code remove}).
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Five warm-up iterations, not three: in the first seconds JMH's loop for this group (one method
// that both threads run) sometimes runs as C1 code with profiling, whose counters the two threads
// share, and such iterations are slow for every implementation (seen with -XX:+PrintCompilation).
@Warmup(iterations = 5, time = 1)
public class PipeBenchmark extends BenchmarkBase
{
    /** Buffers in the pool. */
    static final int BUFFERS = 4096;
    /** Capacity of the producer-to-consumer ring: buffers in flight at most. */
    static final int IN_FLIGHT = 1024;
    /** Bytes of metadata per buffer. */
    static final int META_SIZE = 64;
    /**
     * How long a side that gives up waits before it returns. After the measurement JMH keeps
     * calling both methods until every thread is done, and {@code -prof gc} divides the
     * iteration's allocation by all those calls: give-ups must not be free operations, or a
     * few milliseconds of them would dilute the bytes per operation.
     */
    static final long GIVE_UP_NANOS = 50_000;

    /** shadowvars (EPOCH), chm or nbhml. */
    @Param({"shadowvars", "shadowvars-1seg", "chm", "nbhml"})
    public String impl;

    MetaTable table;
    LongSpscRing pool;
    LongSpscRing pipe;
    private long[] buffers;
    /** The group's teardown and the consumer's reader each hold the table open; the last closes it. */
    private final AtomicInteger holders = new AtomicInteger(2);

    /** Build the table and put every buffer in the pool. */
    @Setup(Level.Trial)
    public void setUp()
    {
        table = MetaTable.create(impl);
        buffers = Keys.longParents(BUFFERS);
        pool = new LongSpscRing(BUFFERS);
        pipe = new LongSpscRing(IN_FLIGHT);
        for (final long buffer : buffers)
        {
            pool.offer(buffer);
        }
    }

    /**
     * Drain the ring after an iteration: free the metadata of every buffer in flight and return it
     * to the pool. Every thread is out of the benchmark loop by then.
     */
    @TearDown(Level.Iteration)
    public void drain()
    {
        long buffer;
        while ((buffer = pipe.poll()) != LongSpscRing.EMPTY)
        {
            if (!table.detach(buffer))
            {
                throw new IllegalStateException(impl + ": buffer " + Long.toHexString(buffer) + " was in flight without metadata");
            }
            pool.offer(buffer);
        }
        if (pool.size() != BUFFERS || table.live() != 0)
        {
            throw new IllegalStateException(impl + ": after the drain " + pool.size() + " of " + BUFFERS +
                " buffers are in the pool and " + table.live() + " hold metadata");
        }
    }

    /** Check that every buffer is back in the pool exactly once and no metadata is left. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            final long[] returned = new long[pool.size()];
            for (int i = 0; i < returned.length; i++)
            {
                returned[i] = pool.poll();
            }
            Arrays.sort(returned);
            if (!Arrays.equals(returned, buffers))
            {
                throw new IllegalStateException(impl + ": the pool does not hold each of the " + BUFFERS +
                    " buffers exactly once (" + returned.length + " returned)");
            }
            final long live = table.live();
            if (live != 0)
            {
                throw new IllegalStateException(impl + ": " + live + " variables left after the run");
            }
        }
        finally
        {
            release();
        }
    }

    void release()
    {
        if (holders.decrementAndGet() == 0)
        {
            table.close();
        }
    }

    /** The rings have one producer and one consumer: refuse {@code -tg} with more threads per side. */
    static void checkOneThreadPerSide(final ThreadParams thread)
    {
        if (thread.getSubgroupThreadCount() != 1)
        {
            throw new IllegalStateException("the pipe is single-producer, single-consumer: run one thread per side, not " +
                thread.getSubgroupThreadCount());
        }
    }

    /** The producer thread's sequence number. */
    @State(Scope.Thread)
    public static class Producer
    {
        long sequence;

        /**
         * Check that this thread is the group's only producer.
         *
         * @param thread this thread's place in the group.
         */
        @Setup(Level.Trial)
        public void setUp(final ThreadParams thread)
        {
            checkOneThreadPerSide(thread);
        }

        /** Start each iteration's sequence at 1: the ring was drained. */
        @Setup(Level.Iteration)
        public void restart()
        {
            sequence = 0;
        }
    }

    /** The consumer thread's read-side handle and the sequence number it expects next. */
    @State(Scope.Thread)
    public static class Consumer
    {
        ShadowReader reader;
        long expected;
        private PipeBenchmark shared;

        /**
         * Check that this thread is the group's only consumer and register it as a reader
         * (shadowvars).
         *
         * @param shared the group's table.
         * @param thread this thread's place in the group.
         */
        @Setup(Level.Trial)
        public void setUp(final PipeBenchmark shared, final ThreadParams thread)
        {
            this.shared = shared;
            checkOneThreadPerSide(thread);
            reader = shared.table.reader();
        }

        /** Expect sequence number 1 first in each iteration: the ring was drained. */
        @Setup(Level.Iteration)
        public void restart()
        {
            expected = 1;
        }

        /** Unregister the reader, then let the table be closed. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            try
            {
                if (reader != null)
                {
                    reader.close();
                }
            }
            finally
            {
                shared.release();
            }
        }
    }

    /**
     * Move one buffer from the pool into the ring with its metadata attached.
     *
     * @param producer the producer's sequence number.
     * @param control  tells a waiting producer that the measurement ended.
     * @return the sequence number written, or 0 when the iteration ended first.
     */
    @Benchmark
    @Group("pipe")
    @GroupThreads(1)
    public long producer(final Producer producer, final Control control)
    {
        final LongSpscRing pool = this.pool;
        final LongSpscRing pipe = this.pipe;
        while (pool.isEmpty() || !pipe.hasRoom())
        {
            if (control.stopMeasurement)
            {
                LockSupport.parkNanos(GIVE_UP_NANOS);
                return 0;
            }
            Thread.onSpinWait();
        }
        final long buffer = pool.poll();
        final long sequence = ++producer.sequence;
        if (!table.attach(buffer, sequence))
        {
            throw new IllegalStateException(impl + ": getOrAlloc hit metadata on buffer " + Long.toHexString(buffer) +
                " taken from the pool");
        }
        pipe.offer(buffer);
        return sequence;
    }

    /**
     * Move one buffer from the ring back to the pool, checking and freeing its metadata.
     *
     * @param consumer the consumer's reader and expected sequence number.
     * @param control  tells a waiting consumer that the measurement ended.
     * @return the sequence number read, or 0 when the iteration ended first.
     */
    @Benchmark
    @Group("pipe")
    @GroupThreads(1)
    public long consumer(final Consumer consumer, final Control control)
    {
        final LongSpscRing pipe = this.pipe;
        long buffer;
        while ((buffer = pipe.poll()) == LongSpscRing.EMPTY)
        {
            if (control.stopMeasurement)
            {
                LockSupport.parkNanos(GIVE_UP_NANOS);
                return 0;
            }
            Thread.onSpinWait();
        }
        final long sequence = table.read(buffer, consumer.reader);
        if (sequence != consumer.expected)
        {
            throw new IllegalStateException(impl + ": buffer " + Long.toHexString(buffer) + " carries sequence " +
                sequence + ", expected " + consumer.expected + " (" + MetaTable.describe(sequence) + ")");
        }
        consumer.expected = sequence + 1;
        if (!table.detach(buffer))
        {
            throw new IllegalStateException(impl + ": free found no metadata on buffer " + Long.toHexString(buffer));
        }
        pool.offer(buffer);
        return sequence;
    }

    /**
     * The buffers' metadata: a record of {@value #META_SIZE} bytes per buffer holding its sequence
     * number and its own address. One implementation per fork, so calls are monomorphic.
     */
    abstract static class MetaTable
    {
        /** {@link #read} of a buffer without metadata. */
        static final long ABSENT = Long.MIN_VALUE;
        /** {@link #read} of metadata that names another buffer. */
        static final long WRONG_BUFFER = Long.MIN_VALUE + 1;

        static MetaTable create(final String impl)
        {
            switch (impl)
            {
                case "shadowvars":
                    return new Shadow(ShadowStore.Builder.defaultSegments());
                case "shadowvars-1seg":
                    return new Shadow(1);
                case "chm":
                    return new Chm();
                case "nbhml":
                    return new Nbhml();
                default:
                    throw new IllegalArgumentException("unknown pipe impl: " + impl);
            }
        }

        static String describe(final long sequence)
        {
            return ABSENT == sequence ? "no metadata" : WRONG_BUFFER == sequence ? "metadata of another buffer" : "stale metadata";
        }

        /** @return a read-side handle for the calling thread, or null when the table needs none. */
        ShadowReader reader()
        {
            return null;
        }

        /**
         * Get or allocate the buffer's record, which must be absent, and write the sequence
         * number and the address into it.
         *
         * @return false when a record was there already.
         */
        abstract boolean attach(long buffer, long sequence);

        /** @return the record's sequence number, {@link #ABSENT} or {@link #WRONG_BUFFER}. */
        abstract long read(long buffer, ShadowReader reader);

        /** @return false when the buffer had no record. */
        abstract boolean detach(long buffer);

        /** @return the number of records. */
        abstract long live();

        abstract void close();
    }

    /** The store, EPOCH reclamation. */
    static final class Shadow extends MetaTable
    {
        private final ShadowStore store;

        Shadow(final int segments)
        {
            store = ShadowStore.builder().reclamation(Reclamation.EPOCH).initialCapacity(BUFFERS)
                .segments(segments).build();
        }

        @Override
        ShadowReader reader()
        {
            return store.reader();
        }

        @Override
        boolean attach(final long buffer, final long sequence)
        {
            final long data = store.getOrAlloc(buffer, Keys.ID, META_SIZE);
            if (0 == data || 0 != UnsafeApi.getLong(data))
            {
                return false;
            }
            UnsafeApi.putLong(data, sequence);
            UnsafeApi.putLong(data + 8, buffer);
            return true;
        }

        @Override
        long read(final long buffer, final ShadowReader reader)
        {
            reader.enter();
            final long data = store.get(buffer, Keys.ID);
            final long sequence = 0 == data ? ABSENT :
                UnsafeApi.getLong(data + 8) != buffer ? WRONG_BUFFER : UnsafeApi.getLong(data);
            reader.exit();
            return sequence;
        }

        @Override
        boolean detach(final long buffer)
        {
            return store.free(buffer, Keys.ID);
        }

        @Override
        long live()
        {
            return store.stats().liveVariables();
        }

        @Override
        void close()
        {
            store.close();
        }
    }

    /** {@code ConcurrentHashMap<Long, long[]>}. */
    static final class Chm extends MetaTable
    {
        private final ConcurrentHashMap<Long, long[]> map = new ConcurrentHashMap<>(BUFFERS);

        @Override
        boolean attach(final long buffer, final long sequence)
        {
            final long[] record = new long[META_SIZE / Long.BYTES];
            record[0] = sequence;
            record[1] = buffer;
            return map.putIfAbsent(buffer, record) == null;
        }

        @Override
        long read(final long buffer, final ShadowReader reader)
        {
            final long[] record = map.get(buffer);
            return record == null ? ABSENT : record[1] != buffer ? WRONG_BUFFER : record[0];
        }

        @Override
        boolean detach(final long buffer)
        {
            return map.remove(buffer) != null;
        }

        @Override
        long live()
        {
            return map.size();
        }

        @Override
        void close()
        {
            map.clear();
        }
    }

    /** JCTools' {@code NonBlockingHashMapLong<long[]>}. */
    static final class Nbhml extends MetaTable
    {
        private final NonBlockingHashMapLong<long[]> map = new NonBlockingHashMapLong<>(BUFFERS);

        @Override
        boolean attach(final long buffer, final long sequence)
        {
            final long[] record = new long[META_SIZE / Long.BYTES];
            record[0] = sequence;
            record[1] = buffer;
            return map.putIfAbsent(buffer, record) == null;
        }

        @Override
        long read(final long buffer, final ShadowReader reader)
        {
            final long[] record = map.get(buffer);
            return record == null ? ABSENT : record[1] != buffer ? WRONG_BUFFER : record[0];
        }

        @Override
        boolean detach(final long buffer)
        {
            return map.remove(buffer) != null;
        }

        @Override
        long live()
        {
            return map.size();
        }

        @Override
        void close()
        {
            map.clear();
        }
    }
}
