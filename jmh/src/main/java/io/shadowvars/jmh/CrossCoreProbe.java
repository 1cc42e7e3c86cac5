package io.shadowvars.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that labels every iteration with the machine's cross-core round trip, measured
 * just before and just after it: two threads pass a counter back and forth through two volatile
 * fields, and the mean time of a round trip is reported as {@code xcore.before} and
 * {@code xcore.after} (nanoseconds).
 *
 * <h2>Why</h2>
 * On the 2-vCPU virtual machines this project is measured on, the round trip is not a constant:
 * it sits near 70 ns for minutes, then near 330 ns for seconds or minutes (the hypervisor, as far
 * as can be told from inside, runs the two vCPUs on nearby or on distant cores), and flips back.
 * Every benchmark whose threads share lines (the pipe, two-thread churn) and the demo run at about
 * half speed in the slow state, whatever the implementation, so a comparison of two runs is only
 * meaningful when both ran in the same state. With this profiler each iteration says which state
 * it ran in: {@code scripts/modes.py} groups iterations by state and compares implementations
 * inside each.
 *
 * <p>Use: {@code -prof io.shadowvars.jmh.CrossCoreProbe}. The probe takes about 10-40 ms per
 * iteration, outside the measured time. On a machine where all threads share a core the numbers
 * mean nothing.
 */
public final class CrossCoreProbe implements InternalProfiler
{
    /** Round trips per probe: about 7 ms at 70 ns, 33 ms at 330 ns. */
    static final int ROUND_TRIPS = 100_000;

    private double before;

    @Override
    public String getDescription()
    {
        return "cross-core round trip (ns) before and after each iteration";
    }

    @Override
    public void beforeIteration(final BenchmarkParams benchmarkParams, final IterationParams iterationParams)
    {
        before = roundTripNanos(ROUND_TRIPS);
    }

    @Override
    public Collection<? extends Result> afterIteration(
        final BenchmarkParams benchmarkParams, final IterationParams iterationParams, final IterationResult result)
    {
        final double after = roundTripNanos(ROUND_TRIPS);
        final List<Result> results = new ArrayList<>(2);
        results.add(new ScalarResult("xcore.before", before, "ns", AggregationPolicy.AVG));
        results.add(new ScalarResult("xcore.after", after, "ns", AggregationPolicy.AVG));
        return results;
    }

    /** The two fields of a round trip, a line apart so that each has a single writer. */
    static final class PingPong
    {
        volatile long ping;
        long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
        volatile long pong;
    }

    /**
     * Mean round trip between the calling thread and a new thread, spinning on both sides.
     *
     * @param roundTrips how many.
     * @return nanoseconds per round trip.
     */
    static double roundTripNanos(final int roundTrips)
    {
        final PingPong cell = new PingPong();
        final Thread echo = new Thread(() ->
        {
            for (long v = 1; v <= roundTrips; v++)
            {
                while (cell.ping != v)
                {
                    Thread.onSpinWait();
                }
                cell.pong = v;
            }
        }, "xcore-probe");
        echo.setDaemon(true);
        echo.start();
        // Let the echo thread reach its loop before timing.
        cell.ping = 1;
        while (cell.pong != 1)
        {
            Thread.onSpinWait();
        }
        final long start = System.nanoTime();
        for (long v = 2; v <= roundTrips; v++)
        {
            cell.ping = v;
            while (cell.pong != v)
            {
                Thread.onSpinWait();
            }
        }
        final long elapsed = System.nanoTime() - start;
        try
        {
            echo.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return (double)elapsed / (roundTrips - 1);
    }

    /**
     * Print the round trip a few times, for a look at the machine's state outside JMH.
     *
     * @param args optional: the number of probes (default 10), each about 10-40 ms apart.
     */
    public static void main(final String[] args)
    {
        final int probes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final StringBuilder line = new StringBuilder("cross-core round trip (ns):");
        for (int i = 0; i < probes; i++)
        {
            line.append(' ').append(Math.round(roundTripNanos(ROUND_TRIPS)));
        }
        System.out.println(line);
    }
}
