package io.shadowvars.jmh.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The results of one benchmark method at one set of parameters other than {@code impl}: one row
 * per implementation, the library's rows first, then the peers best first.
 */
final class ResultTable
{
    private final String className;
    private final String method;
    private final String mode;
    private final int threads;
    private final Map<String, String> params;
    private final List<JmhResult> rows;

    private ResultTable(
        final String className,
        final String method,
        final String mode,
        final int threads,
        final Map<String, String> params,
        final List<JmhResult> rows)
    {
        this.className = className;
        this.method = method;
        this.mode = mode;
        this.threads = threads;
        this.params = params;
        this.rows = rows;
    }

    /**
     * Group results into tables: one per class, method, mode, thread count and parameters other
     * than {@code impl}, sorted by class and method and otherwise in the order the tables first
     * appear. When an implementation appears twice in one table the later result wins.
     *
     * @param results the results of every input file, in order.
     * @param warn    told about every result that replaced an earlier one.
     * @return the tables.
     */
    static List<ResultTable> group(final List<JmhResult> results, final Consumer<String> warn)
    {
        final Map<String, Map<String, JmhResult>> byKey = new LinkedHashMap<>();
        for (final JmhResult result : results)
        {
            final String key = result.className() + "." + result.method() + "|" + result.mode() + "|" +
                result.threads() + "|" + result.otherParams();
            final Map<String, JmhResult> byImpl = byKey.computeIfAbsent(key, k -> new LinkedHashMap<>());
            if (byImpl.put(result.impl(), result) != null)
            {
                warn.accept("duplicate result for " + result.className() + "." + result.method() + " " +
                    result.params() + " (" + result.mode() + "): the later one is used");
            }
        }

        final List<ResultTable> tables = new ArrayList<>();
        for (final Map<String, JmhResult> byImpl : byKey.values())
        {
            final JmhResult first = byImpl.values().iterator().next();
            final List<JmhResult> rows = new ArrayList<>(byImpl.values());
            final String primaryImpl = primaryImpl(rows);
            rows.sort(rowOrder(primaryImpl, higherIsBetter(first.mode())));
            tables.add(new ResultTable(
                first.className(), first.method(), first.mode(), first.threads(), first.otherParams(), List.copyOf(rows)));
        }
        tables.sort(Comparator.comparing(ResultTable::className).thenComparing(ResultTable::method));
        return tables;
    }

    /**
     * Whether a bigger score is better in a JMH mode.
     *
     * @param mode the mode.
     * @return true for throughput.
     */
    static boolean higherIsBetter(final String mode)
    {
        return "thrpt".equals(mode);
    }

    /**
     * The implementation every ratio is taken against: exactly {@code shadowvars} when present,
     * else the first one starting with {@code shadowvars}.
     *
     * @param rows rows in their original order.
     * @return the implementation name, or null when no row is the library.
     */
    static String primaryImpl(final List<JmhResult> rows)
    {
        String firstLibrary = null;
        for (final JmhResult row : rows)
        {
            if (JmhResult.LIBRARY_PREFIX.equals(row.impl()))
            {
                return row.impl();
            }
            if (firstLibrary == null && row.isLibrary())
            {
                firstLibrary = row.impl();
            }
        }
        return firstLibrary;
    }

    private static Comparator<JmhResult> rowOrder(final String primaryImpl, final boolean higherIsBetter)
    {
        final Comparator<JmhResult> byRank = Comparator.comparingInt(row ->
        {
            if (row.impl().equals(primaryImpl))
            {
                return 0;
            }
            return row.isLibrary() ? 1 : 2;
        });
        final Comparator<JmhResult> byScore = Comparator.comparingDouble(row ->
        {
            final double score = row.primary().score();
            if (Double.isNaN(score))
            {
                return Double.POSITIVE_INFINITY;
            }
            return higherIsBetter ? -score : score;
        });
        return byRank.thenComparing(byScore).thenComparing(JmhResult::impl);
    }

    /**
     * The simple class name of the benchmark.
     *
     * @return such as {@code GetHitLongBenchmark}.
     */
    String className()
    {
        return className;
    }

    /**
     * The benchmark method or group.
     *
     * @return such as {@code get}.
     */
    String method()
    {
        return method;
    }

    /**
     * The JMH mode of every row.
     *
     * @return such as {@code avgt}.
     */
    String mode()
    {
        return mode;
    }

    /**
     * The thread count of every row.
     *
     * @return threads.
     */
    int threads()
    {
        return threads;
    }

    /**
     * The parameters other than {@code impl}.
     *
     * @return the parameters in the file's order.
     */
    Map<String, String> params()
    {
        return params;
    }

    /**
     * The rows in display order.
     *
     * @return the rows.
     */
    List<JmhResult> rows()
    {
        return rows;
    }

    /**
     * The row of one implementation.
     *
     * @param impl the implementation.
     * @return the row, or null.
     */
    JmhResult row(final String impl)
    {
        for (final JmhResult row : rows)
        {
            if (row.impl().equals(impl))
            {
                return row;
            }
        }
        return null;
    }

    /**
     * The row every ratio is taken against.
     *
     * @return the primary library row, or null when the library was not measured here.
     */
    JmhResult primary()
    {
        final String impl = primaryImpl(rows);
        return impl == null ? null : row(impl);
    }

    /**
     * Whether a bigger score is better in this table.
     *
     * @return true for throughput.
     */
    boolean higherIsBetter()
    {
        return higherIsBetter(mode);
    }

    /**
     * The ratio of the primary library row to a row, oriented so that below 1 means the library
     * is better: library / row for time per operation, row / library for throughput.
     *
     * @param row a row of this table.
     * @return the ratio, or NaN when there is no library row.
     */
    double ratio(final JmhResult row)
    {
        final JmhResult primary = primary();
        if (primary == null)
        {
            return Double.NaN;
        }
        final double library = primary.primary().score();
        final double other = row.primary().score();
        return higherIsBetter() ? other / library : library / other;
    }

    /**
     * The per-method secondary metrics of a {@code @Group} benchmark: secondary metrics whose
     * names are Java identifiers, such as {@code read} and {@code churn}.
     *
     * @return the names in order of first appearance.
     */
    List<String> groupMethods()
    {
        final Set<String> names = new LinkedHashSet<>();
        for (final JmhResult row : rows)
        {
            for (final String name : row.secondary().keySet())
            {
                if (isIdentifier(name))
                {
                    names.add(name);
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * Whether this table matches a class, method and parameters. A parameter the table does not
     * have at all does not stop a match.
     *
     * @param simpleClass the simple class name.
     * @param methodName  the method name.
     * @param required    parameters that must have these values when the table has them.
     * @return true when it matches.
     */
    boolean matches(final String simpleClass, final String methodName, final Map<String, String> required)
    {
        if (!className.equals(simpleClass) || !method.equals(methodName))
        {
            return false;
        }
        for (final Map.Entry<String, String> entry : required.entrySet())
        {
            final String value = params.get(entry.getKey());
            if (value != null && !value.equals(entry.getValue()))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The title of the table: class, method and parameters.
     *
     * @return such as {@code GetHitLongBenchmark.get · size=1000000}.
     */
    String title()
    {
        final String name = className + "." + method;
        if (params.isEmpty())
        {
            return name;
        }
        return name + " · " + paramText();
    }

    /**
     * The parameters other than {@code impl} as text.
     *
     * @return such as {@code size=1000000, payload=16}, empty when there are none.
     */
    String paramText()
    {
        return params.entrySet().stream()
            .map(entry -> entry.getKey() + "=" + entry.getValue())
            .collect(Collectors.joining(", "));
    }

    private static boolean isIdentifier(final String name)
    {
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0)))
        {
            return false;
        }
        for (int i = 1; i < name.length(); i++)
        {
            if (!Character.isJavaIdentifierPart(name.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }
}
