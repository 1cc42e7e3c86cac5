package io.shadowvars.jmh;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import io.shadowvars.jmh.peers.ChmRecordTable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.UnsafeApi;
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

/**
 * Read throughput while a writer churns, with one reader thread ({@code oneReader}) and with two
 * ({@code twoReaders}). Readers look up random keys (shadowvars: inside an EPOCH read section) and
 * read the record; the writer frees and re-allocates random keys in bursts of {@value #BURST},
 * parking {@value #PAUSE_NANOS} ns between bursts, as a feed handler updating metadata at a
 * steady rate would (an unpaced writer would hold one of this machine's two cores by itself).
 * Reads that race a re-allocation may miss; that is counted as a read like any other.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadersUnderChurnBenchmark extends BenchmarkBase
{
    /** Writer operations (free + alloc) per burst. */
    static final int BURST = 16;
    /** Pause between bursts. */
    static final long PAUSE_NANOS = 20_000;

    /** Live variables. */
    @Param({"1000000"})
    public int size;

    /** shadowvars (EPOCH) or chm-record. */
    @Param({"shadowvars", "chm-record"})
    public String impl;

    ShadowStore store;
    ChmRecordTable chm;
    long[] parents;
    int[] order;
    int mask;

    /** Build and fill the table. */
    @Setup(Level.Trial)
    public void setUp()
    {
        parents = Keys.longParents(size);
        order = Keys.visitOrder(size, Keys.pow2(size), SEED);
        mask = order.length - 1;
        if ("shadowvars".equals(impl))
        {
            store = ShadowStore.builder().reclamation(Reclamation.EPOCH).initialCapacity(size).build();
            for (int i = 0; i < size; i++)
            {
                UnsafeApi.putLong(store.alloc(parents[i], Keys.ID, Keys.RECORD_SIZE), i + 1);
            }
        }
        else if ("chm-record".equals(impl))
        {
            chm = new ChmRecordTable(size);
            Impls.fill(chm, parents);
        }
        else
        {
            throw new IllegalArgumentException("unknown impl for concurrent reads: " + impl);
        }
    }

    /** Release the table. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (store != null)
        {
            store.close();
        }
    }

    /** A reader thread's own state: its cursor and its reader handle. */
    @State(Scope.Thread)
    public static class Reader
    {
        int cursor;
        ShadowReader handle;

        /**
         * Register the thread (shadowvars) and start it at its own place in the key order.
         *
         * @param shared the group's table.
         */
        @Setup(Level.Trial)
        public void setUp(final ReadersUnderChurnBenchmark shared)
        {
            cursor = (int)(Thread.currentThread().getId() * 7919);
            if (shared.store != null)
            {
                handle = shared.store.reader();
            }
        }

        /** Unregister. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            if (handle != null)
            {
                handle.close();
            }
        }
    }

    /** The writer thread's cursor. */
    @State(Scope.Thread)
    public static class Writer
    {
        int cursor;
    }

    long read(final Reader reader)
    {
        final long parent = parents[order[reader.cursor++ & mask]];
        if (store != null)
        {
            reader.handle.enter();
            final long address = store.get(parent, Keys.ID);
            final long value = address == 0 ? Long.MIN_VALUE : UnsafeApi.getLong(address);
            reader.handle.exit();
            return value;
        }
        return chm.read(parent, Keys.ID);
    }

    long churn(final Writer writer)
    {
        long sum = 0;
        for (int i = 0; i < BURST; i++)
        {
            final long parent = parents[order[writer.cursor++ & mask]];
            if (store != null)
            {
                store.free(parent, Keys.ID);
                final long address = store.alloc(parent, Keys.ID, Keys.RECORD_SIZE);
                UnsafeApi.putLong(address, parent);
                sum += address;
            }
            else
            {
                chm.remove(parent, Keys.ID);
                sum += chm.put(parent, Keys.ID, parent) ? 1 : 0;
            }
        }
        LockSupport.parkNanos(PAUSE_NANOS);
        return sum;
    }

    /**
     * One read, one reader thread.
     *
     * @param reader the thread's state.
     * @return the record's first long.
     */
    @Benchmark
    @Group("oneReader")
    @GroupThreads(1)
    public long readOne(final Reader reader)
    {
        return read(reader);
    }

    /**
     * The writer beside one reader.
     *
     * @param writer the writer's state.
     * @return a checksum.
     */
    @Benchmark
    @Group("oneReader")
    @GroupThreads(1)
    public long churnOne(final Writer writer)
    {
        return churn(writer);
    }

    /**
     * One read, two reader threads.
     *
     * @param reader the thread's state.
     * @return the record's first long.
     */
    @Benchmark
    @Group("twoReaders")
    @GroupThreads(2)
    public long readTwo(final Reader reader)
    {
        return read(reader);
    }

    /**
     * The writer beside two readers.
     *
     * @param writer the writer's state.
     * @return a checksum.
     */
    @Benchmark
    @Group("twoReaders")
    @GroupThreads(1)
    public long churnTwo(final Writer writer)
    {
        return churn(writer);
    }
}
