package io.shadowvars.jmh.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The performance targets and how each is checked against the results. Edit {@link #TARGETS} to
 * change them.
 */
final class Targets
{
    /**
     * The targets, in the order the report lists them.
     */
    static final List<Target> TARGETS = List.of(
        ratio("get hit @1M, long parents ≤ 0.9× Agrona L2L + slab",
            "GetHitLongBenchmark", "get", "size=1000000", "agrona", 0.9),
        ratio("get hit @1K, long parents ≤ 1.2× Agrona",
            "GetHitLongBenchmark", "get", "size=1000", "agrona", 1.2),
        ratio("get @1M, object parents ≤ 0.7× WeakHashMap",
            "GetHitObjectBenchmark", "get", "size=1000000", "weak", 0.7),
        ratio("churn @1M ≤ 1.0× Agrona slab peer",
            "ChurnBenchmark", "churn", "size=1000000", "agrona", 1.0),
        zeroAllocation("0 B/op for get, getOrAlloc, alloc and free in steady state",
            Set.of("GetHitLongBenchmark", "GetHitObjectBenchmark", "GetMissBenchmark",
                "GetOrAllocHitBenchmark", "ChurnBenchmark", "ChurnObjectBenchmark",
                "ChurnThreadsBenchmark", "PipeBenchmark"), 1.0),
        footprint("≤ 40 bytes per 16-byte variable at 1M", "shadowvars", 40.0),
        readerScaling("two readers ≥ 1.8× one reader while a writer churns",
            "ReadersUnderChurnBenchmark", "oneReader", "twoReaders", "read", 1.8),
        scaling("2-thread churn ≥ 1.6× 1-thread churn (shadowvars)",
            "ChurnThreadsBenchmark", "churn1", "churn2", 1.6),
        versusBestPeer("2-thread churn ≥ 1.5× the better peer's 2-thread churn",
            "ChurnThreadsBenchmark", "churn2", 1.5),
        versusBestPeer("pipe ≥ 1.0× the faster peer's pipe",
            "PipeBenchmark", "pipe", 1.0));

    private Targets()
    {
    }

    /** Whether a target was met. */
    enum Verdict
    {
        /** The measurement meets the target. */
        MET("met"),
        /** The measurement misses the target. */
        MISSED("missed"),
        /** The results hold nothing to check the target against. */
        NOT_MEASURED("not measured");

        private final String text;

        Verdict(final String text)
        {
            this.text = text;
        }

        /**
         * The verdict as the report prints it.
         *
         * @return such as {@code met}.
         */
        String text()
        {
            return text;
        }

        /**
         * The verdict of a check that could be made.
         *
         * @param met whether the measurement meets the target.
         * @return {@link #MET} or {@link #MISSED}.
         */
        static Verdict of(final boolean met)
        {
            return met ? MET : MISSED;
        }
    }

    /**
     * What checking a target found.
     *
     * @param measured the measured value as text, such as {@code 0.750 (9.0 vs 12.0 ns/op)}.
     * @param verdict  the verdict.
     */
    record Outcome(String measured, Verdict verdict)
    {
        /**
         * The outcome of a target the results cannot check.
         *
         * @param why what is missing.
         * @return the outcome.
         */
        static Outcome notMeasured(final String why)
        {
            return new Outcome(why, Verdict.NOT_MEASURED);
        }
    }

    /**
     * A target: its text and the check that measures it.
     *
     * @param text  the target as the report prints it.
     * @param check measures the target in the result tables and the footprint (which may be null).
     */
    record Target(String text, BiFunction<List<ResultTable>, Footprint, Outcome> check)
    {
        /**
         * Check the target.
         *
         * @param tables    the result tables.
         * @param footprint the footprint, or null.
         * @return the outcome.
         */
        Outcome evaluate(final List<ResultTable> tables, final Footprint footprint)
        {
            return check.apply(tables, footprint);
        }
    }

    /**
     * A ratio target: the library against one peer in one benchmark, where the ratio follows the
     * report's rule (below 1 means the library is better) and must be at most {@code limit}. When
     * several tables match, the worst ratio counts.
     *
     * @param text        the target text.
     * @param simpleClass the benchmark class's simple name.
     * @param method      the benchmark method.
     * @param params      required parameters as {@code name=value[,name=value]}.
     * @param peer        the peer's implementation name.
     * @param limit       the largest ratio that meets the target.
     * @return the target.
     */
    static Target ratio(
        final String text,
        final String simpleClass,
        final String method,
        final String params,
        final String peer,
        final double limit)
    {
        final Map<String, String> required = parseParams(params);
        return new Target(text, (tables, footprint) ->
        {
            double worst = Double.NaN;
            String detail = null;
            int matched = 0;
            for (final ResultTable table : tables)
            {
                if (!table.matches(simpleClass, method, required))
                {
                    continue;
                }
                final JmhResult library = table.primary();
                final JmhResult peerRow = table.row(peer);
                if (library == null || peerRow == null)
                {
                    continue;
                }
                matched++;
                final double ratio = table.ratio(peerRow);
                if (Double.isNaN(worst) || ratio > worst)
                {
                    worst = ratio;
                    final String unit = library.primary().unit();
                    detail = library.impl() + " " + Numbers.score(library.primary().score(), unit) + " vs " +
                        peer + " " + Numbers.score(peerRow.primary().score(), unit) + " " + unit;
                }
            }
            if (matched == 0)
            {
                return Outcome.notMeasured("no " + simpleClass + "." + method + " " + params + " rows for shadowvars and " + peer);
            }
            final String several = matched > 1 ? "; worst of " + matched + " tables" : "";
            return new Outcome(Numbers.sig3(worst) + " (" + detail + several + ")", Verdict.of(worst <= limit));
        });
    }

    /**
     * An allocation target: every library row of the given benchmark classes must allocate less
     * than {@code limit} bytes per operation ({@code gc.alloc.rate.norm}); the worst row counts.
     *
     * @param text    the target text.
     * @param classes the benchmark classes' simple names.
     * @param limit   the allocation every row must stay below, in bytes per operation.
     * @return the target.
     */
    static Target zeroAllocation(final String text, final Set<String> classes, final double limit)
    {
        return new Target(text, (tables, footprint) ->
        {
            double worst = Double.NaN;
            String where = null;
            int measured = 0;
            int unmeasured = 0;
            for (final ResultTable table : tables)
            {
                if (!classes.contains(table.className()))
                {
                    continue;
                }
                for (final JmhResult row : table.rows())
                {
                    if (!row.isLibrary())
                    {
                        continue;
                    }
                    final double bytes = row.allocPerOp();
                    if (Double.isNaN(bytes))
                    {
                        unmeasured++;
                        continue;
                    }
                    measured++;
                    if (Double.isNaN(worst) || bytes > worst)
                    {
                        worst = bytes;
                        where = table.title() + ", " + row.impl();
                    }
                }
            }
            if (measured == 0)
            {
                return Outcome.notMeasured("no " + JmhResult.ALLOC_NORM + " for shadowvars rows (run with -prof gc)");
            }
            final String skipped = unmeasured > 0 ? "; " + rows(unmeasured) + " without gc data" : "";
            return new Outcome(
                "worst " + Numbers.bytesPerOp(worst) + " B/op (" + where + "; " + rows(measured) + " measured" + skipped + ")",
                Verdict.of(worst < limit));
        });
    }

    /**
     * A footprint target: one implementation's bytes per variable must be at most {@code limit}.
     *
     * @param text  the target text.
     * @param impl  the implementation.
     * @param limit the most bytes per variable that meets the target.
     * @return the target.
     */
    static Target footprint(final String text, final String impl, final double limit)
    {
        return new Target(text, (tables, footprint) ->
        {
            if (footprint == null)
            {
                return Outcome.notMeasured("no footprint file (--footprint)");
            }
            final Footprint.Entry entry = footprint.entry(impl);
            if (entry == null || Double.isNaN(entry.bytesPerVariable()))
            {
                return Outcome.notMeasured("no " + impl + " entry in the footprint file");
            }
            return new Outcome(
                Numbers.sig3(entry.bytesPerVariable()) + " bytes/variable (" + impl + ", " +
                    Numbers.fixed(footprint.variables(), 0) + " variables)",
                Verdict.of(entry.bytesPerVariable() <= limit));
        });
    }

    /**
     * A reader scaling target: in one benchmark class, the group whose name ends with
     * {@code twoSuffix} must reach at least {@code limit} times the reader throughput of the
     * group whose name ends with {@code oneSuffix}, for the primary library implementation. The
     * reader throughput is the secondary metric {@code metric}, or the sum of the secondary
     * metrics whose names start with it. When several parameter sets match, the worst counts.
     *
     * @param text        the target text.
     * @param simpleClass the benchmark class's simple name.
     * @param oneSuffix   the end of the one-reader group's name.
     * @param twoSuffix   the end of the two-reader group's name.
     * @param metric      the reader method's secondary metric.
     * @param limit       the smallest speed-up that meets the target.
     * @return the target.
     */
    static Target readerScaling(
        final String text,
        final String simpleClass,
        final String oneSuffix,
        final String twoSuffix,
        final String metric,
        final double limit)
    {
        return new Target(text, (tables, footprint) ->
        {
            double worst = Double.NaN;
            String detail = null;
            int matched = 0;
            for (final ResultTable two : tables)
            {
                if (!two.className().equals(simpleClass) || !endsWithIgnoreCase(two.method(), twoSuffix))
                {
                    continue;
                }
                final ResultTable one = partner(tables, two, simpleClass, oneSuffix);
                final JmhResult twoRow = two.primary();
                final JmhResult oneRow = one == null || twoRow == null ? null : one.row(twoRow.impl());
                if (oneRow == null)
                {
                    continue;
                }
                final double twoReads = readerScore(twoRow, metric);
                final double oneReads = readerScore(oneRow, metric);
                if (Double.isNaN(twoReads) || Double.isNaN(oneReads))
                {
                    continue;
                }
                matched++;
                final double speedUp = twoReads / oneReads;
                if (Double.isNaN(worst) || speedUp < worst)
                {
                    worst = speedUp;
                    final String unit = twoRow.primary().unit();
                    detail = twoRow.impl() + " " + metric + " " + Numbers.sig3(twoReads) + " vs " +
                        Numbers.sig3(oneReads) + " " + unit;
                }
            }
            if (matched == 0)
            {
                return Outcome.notMeasured("no " + simpleClass + " " + oneSuffix + "/" + twoSuffix +
                    " pair with a \"" + metric + "\" metric for shadowvars");
            }
            final String several = matched > 1 ? "; worst of " + matched : "";
            return new Outcome(Numbers.sig3(worst) + "× (" + detail + several + ")", Verdict.of(worst >= limit));
        });
    }

    /**
     * A thread scaling target: in one benchmark class, the primary library row of method
     * {@code many} (run with more threads) must be at least {@code limit} times as fast as the
     * same implementation's row of method {@code one}, at the same mode and parameters and from
     * the same run (result file). Speed is the primary score for throughput and its inverse for
     * time per operation. When several parameter sets match, the worst counts.
     *
     * @param text        the target text.
     * @param simpleClass the benchmark class's simple name.
     * @param one         the method run with fewer threads.
     * @param many        the method run with more threads.
     * @param limit       the smallest speed-up that meets the target.
     * @return the target.
     */
    static Target scaling(
        final String text,
        final String simpleClass,
        final String one,
        final String many,
        final double limit)
    {
        return new Target(text, (tables, footprint) ->
        {
            double worst = Double.NaN;
            String detail = null;
            int matched = 0;
            int otherRuns = 0;
            for (final ResultTable manyTable : tables)
            {
                if (!manyTable.className().equals(simpleClass) || !manyTable.method().equals(many))
                {
                    continue;
                }
                final JmhResult manyRow = manyTable.primary();
                final ResultTable oneTable = sameParams(tables, manyTable, one);
                final JmhResult oneRow = manyRow == null || oneTable == null ? null : oneTable.row(manyRow.impl());
                if (oneRow == null)
                {
                    continue;
                }
                if (!oneRow.source().equals(manyRow.source()))
                {
                    otherRuns++;
                    continue;
                }
                matched++;
                final double speedUp = speed(manyTable, manyRow) / speed(oneTable, oneRow);
                if (Double.isNaN(worst) || speedUp < worst)
                {
                    worst = speedUp;
                    final String unit = manyRow.primary().unit();
                    detail = manyRow.impl() + " " + many + " " + Numbers.score(manyRow.primary().score(), unit) +
                        " vs " + one + " " + Numbers.score(oneRow.primary().score(), unit) + " " + unit;
                }
            }
            if (matched == 0)
            {
                return Outcome.notMeasured("no " + simpleClass + " " + one + "/" + many + " pair for shadowvars" +
                    (otherRuns > 0 ? " from one run (" + rows(otherRuns) + " paired across result files)" : ""));
            }
            final String several = matched > 1 ? "; worst of " + matched : "";
            return new Outcome(Numbers.sig3(worst) + "× (" + detail + several + ")", Verdict.of(worst >= limit));
        });
    }

    /**
     * A target against the best peer: in the tables of one benchmark method, the primary library
     * row must be at least {@code limit} times as fast as the fastest peer row of the same run
     * (result file); speed is the primary score for throughput and its inverse for time per
     * operation, so the speed-up is the inverse of the report's ratio. Peer rows from other runs
     * are left out. When several parameter sets match, the worst counts.
     *
     * @param text        the target text.
     * @param simpleClass the benchmark class's simple name.
     * @param method      the benchmark method or group.
     * @param limit       the smallest speed-up over the best peer that meets the target.
     * @return the target.
     */
    static Target versusBestPeer(
        final String text,
        final String simpleClass,
        final String method,
        final double limit)
    {
        return new Target(text, (tables, footprint) ->
        {
            double worst = Double.NaN;
            String detail = null;
            int matched = 0;
            int otherRuns = 0;
            for (final ResultTable table : tables)
            {
                if (!table.className().equals(simpleClass) || !table.method().equals(method))
                {
                    continue;
                }
                final JmhResult library = table.primary();
                if (library == null)
                {
                    continue;
                }
                JmhResult best = null;
                for (final JmhResult row : table.rows())
                {
                    if (row.isLibrary())
                    {
                        continue;
                    }
                    if (!row.source().equals(library.source()))
                    {
                        otherRuns++;
                        continue;
                    }
                    if (best == null || speed(table, row) > speed(table, best))
                    {
                        best = row;
                    }
                }
                if (best == null)
                {
                    continue;
                }
                matched++;
                final double speedUp = speed(table, library) / speed(table, best);
                if (Double.isNaN(worst) || speedUp < worst)
                {
                    worst = speedUp;
                    final String unit = library.primary().unit();
                    detail = library.impl() + " " + Numbers.score(library.primary().score(), unit) + " vs " +
                        best.impl() + " " + Numbers.score(best.primary().score(), unit) + " " + unit;
                }
            }
            final String ignored = otherRuns > 0 ? rows(otherRuns) + " from other runs left out" : "";
            if (matched == 0)
            {
                return Outcome.notMeasured("no " + simpleClass + "." + method + " rows for shadowvars and a peer of the same run" +
                    (ignored.isEmpty() ? "" : " (" + ignored + ")"));
            }
            final String several = matched > 1 ? "; worst of " + matched + " tables" : "";
            final String left = ignored.isEmpty() ? "" : "; " + ignored;
            return new Outcome(Numbers.sig3(worst) + "× (" + detail + several + left + ")", Verdict.of(worst >= limit));
        });
    }

    /**
     * How fast a row is, bigger is better: its score for throughput, the inverse for time per
     * operation.
     */
    private static double speed(final ResultTable table, final JmhResult row)
    {
        final double score = row.primary().score();
        return table.higherIsBetter() ? score : 1 / score;
    }

    /** The table of {@code method} in the same class with the same mode and parameters as {@code other}. */
    private static ResultTable sameParams(final List<ResultTable> tables, final ResultTable other, final String method)
    {
        for (final ResultTable table : tables)
        {
            if (table.className().equals(other.className()) &&
                table.method().equals(method) &&
                table.mode().equals(other.mode()) &&
                table.params().equals(other.params()))
            {
                return table;
            }
        }
        return null;
    }

    private static String rows(final int count)
    {
        return count + (count == 1 ? " row" : " rows");
    }

    private static ResultTable partner(
        final List<ResultTable> tables,
        final ResultTable two,
        final String simpleClass,
        final String oneSuffix)
    {
        for (final ResultTable table : tables)
        {
            if (table.className().equals(simpleClass) &&
                endsWithIgnoreCase(table.method(), oneSuffix) &&
                table.mode().equals(two.mode()) &&
                table.params().equals(two.params()))
            {
                return table;
            }
        }
        return null;
    }

    /**
     * The reader throughput of a group result: the named secondary metric, or the sum of those
     * whose names start with it.
     *
     * @param row    the result.
     * @param metric the metric name, such as {@code read}.
     * @return the throughput, or NaN when there is none.
     */
    static double readerScore(final JmhResult row, final String metric)
    {
        final JmhResult.Metric exact = row.secondary().get(metric);
        if (exact != null)
        {
            return exact.score();
        }
        double sum = Double.NaN;
        for (final Map.Entry<String, JmhResult.Metric> entry : row.secondary().entrySet())
        {
            if (entry.getKey().toLowerCase(Locale.ROOT).startsWith(metric.toLowerCase(Locale.ROOT)))
            {
                sum = (Double.isNaN(sum) ? 0 : sum) + entry.getValue().score();
            }
        }
        return sum;
    }

    /**
     * Whether a name ends with a suffix, ignoring case and a plural "s" on either, so that
     * {@code twoReader} matches {@code twoReaders}.
     */
    private static boolean endsWithIgnoreCase(final String text, final String suffix)
    {
        return singular(text).endsWith(singular(suffix));
    }

    private static String singular(final String name)
    {
        final String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith("s") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static Map<String, String> parseParams(final String params)
    {
        final Map<String, String> map = new LinkedHashMap<>();
        if (params.isBlank())
        {
            return map;
        }
        for (final String pair : params.split(","))
        {
            final int equals = pair.indexOf('=');
            if (equals <= 0)
            {
                throw new IllegalArgumentException("bad target parameter: " + pair);
            }
            map.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return map;
    }

    /**
     * Check every target.
     *
     * @param tables    the result tables.
     * @param footprint the footprint, or null.
     * @return each target with its outcome, in order.
     */
    static List<Map.Entry<Target, Outcome>> evaluateAll(final List<ResultTable> tables, final Footprint footprint)
    {
        final List<Map.Entry<Target, Outcome>> outcomes = new ArrayList<>();
        for (final Target target : TARGETS)
        {
            outcomes.add(Map.entry(target, target.evaluate(tables, footprint)));
        }
        return outcomes;
    }
}
