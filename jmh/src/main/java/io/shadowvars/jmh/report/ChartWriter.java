package io.shadowvars.jmh.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Draws the time per operation of every {@code avgt} table as a grouped bar chart: one category
 * per table, one series per implementation, all in nanoseconds per operation.
 */
final class ChartWriter
{
    /** Chart width in pixels. */
    static final int WIDTH = 1400;

    /** Chart height in pixels. */
    static final int HEIGHT = 700;

    private ChartWriter()
    {
    }

    /**
     * Draw the chart and save it as PNG.
     *
     * @param tables the result tables; only {@code avgt} ones with a time unit are drawn.
     * @param title  the chart's title.
     * @param png    where to write; the parent directory must exist.
     * @throws IOException when the file cannot be written.
     */
    static void write(final List<ResultTable> tables, final String title, final Path png) throws IOException
    {
        final CategoryChart chart = build(tables, title);
        try (OutputStream stream = Files.newOutputStream(png))
        {
            BitmapEncoder.saveBitmap(chart, stream, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /**
     * Build the chart without saving it.
     *
     * @param tables the result tables.
     * @param title  the chart's title.
     * @return the chart.
     */
    static CategoryChart build(final List<ResultTable> tables, final String title)
    {
        final Map<String, Map<String, Double>> nanosByCategory = new LinkedHashMap<>();
        final Set<String> usedLabels = new HashSet<>();
        for (final ResultTable table : tables)
        {
            if (!"avgt".equals(table.mode()))
            {
                continue;
            }
            final Map<String, Double> byImpl = new LinkedHashMap<>();
            for (final JmhResult row : table.rows())
            {
                final double nanos = toNanos(row.primary().score(), row.primary().unit());
                if (nanos > 0 && Double.isFinite(nanos))
                {
                    byImpl.put(row.impl(), nanos);
                }
            }
            if (!byImpl.isEmpty())
            {
                nanosByCategory.put(uniqueLabel(shortLabel(table), usedLabels), byImpl);
            }
        }

        if (nanosByCategory.isEmpty())
        {
            return noData(title);
        }

        final List<String> categories = new ArrayList<>(nanosByCategory.keySet());
        final List<String> impls = seriesOrder(nanosByCategory);
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (final Map<String, Double> byImpl : nanosByCategory.values())
        {
            for (final double nanos : byImpl.values())
            {
                min = Math.min(min, nanos);
                max = Math.max(max, nanos);
            }
        }
        final boolean logarithmic = max / min > 100;

        final CategoryChart chart = new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title + " — time per operation (lower is better)")
            .yAxisTitle(logarithmic ? "ns/op (log scale)" : "ns/op")
            .build();
        final CategoryStyler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setAvailableSpaceFill(0.85);
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        styler.setXAxisLabelRotation(categories.size() > 6 ? 45 : 0);
        styler.setYAxisDecimalPattern("#,##0.#");
        if (logarithmic)
        {
            // Bars grow from the axis minimum, which XChart puts at 0 unless told otherwise.
            styler.setYAxisLogarithmic(true);
            styler.setYAxisMin(Math.pow(10, Math.ceil(Math.log10(min)) - 1));
            styler.setYAxisMax(Math.pow(10, Math.floor(Math.log10(max)) + 1));
        }

        for (final String impl : impls)
        {
            final List<Double> values = new ArrayList<>();
            for (final String category : categories)
            {
                values.add(nanosByCategory.get(category).get(impl)); // null: not measured, no bar
            }
            chart.addSeries(impl, categories, values);
        }
        return chart;
    }

    /**
     * Convert a time per operation to nanoseconds.
     *
     * @param score the score.
     * @param unit  the unit, such as {@code us/op}.
     * @return nanoseconds, or NaN when the unit is not a time per operation.
     */
    static double toNanos(final double score, final String unit)
    {
        final int slash = unit.indexOf('/');
        final String time = slash < 0 ? unit : unit.substring(0, slash);
        switch (time)
        {
            case "ns":
                return score;
            case "us":
            case "µs":
                return score * 1e3;
            case "ms":
                return score * 1e6;
            case "s":
                return score * 1e9;
            case "min":
                return score * 60e9;
            default:
                return Double.NaN;
        }
    }

    private static CategoryChart noData(final String title)
    {
        final CategoryChart chart = new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title + " — no data (no avgt results)")
            .build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        // XChart cannot paint a chart without series: one empty bar stands in.
        chart.addSeries("no data", List.of("no data"), List.of(0.0));
        return chart;
    }

    /**
     * The series in legend order: {@code shadowvars} first, then the other library variants, then
     * the peers, each in order of first appearance.
     */
    private static List<String> seriesOrder(final Map<String, Map<String, Double>> nanosByCategory)
    {
        final Set<String> all = new LinkedHashSet<>();
        for (final Map<String, Double> byImpl : nanosByCategory.values())
        {
            all.addAll(byImpl.keySet());
        }
        final List<String> ordered = new ArrayList<>();
        if (all.contains(JmhResult.LIBRARY_PREFIX))
        {
            ordered.add(JmhResult.LIBRARY_PREFIX);
        }
        for (final String impl : all)
        {
            if (JmhResult.isLibrary(impl) && !ordered.contains(impl))
            {
                ordered.add(impl);
            }
        }
        for (final String impl : all)
        {
            if (!JmhResult.isLibrary(impl))
            {
                ordered.add(impl);
            }
        }
        return ordered;
    }

    /**
     * A short category label: the class without its {@code Benchmark} suffix, the method, and
     * the parameter values with round thousands and millions shortened ({@code size=1M}).
     */
    private static String shortLabel(final ResultTable table)
    {
        String className = table.className();
        if (className.endsWith("Benchmark") && className.length() > "Benchmark".length())
        {
            className = className.substring(0, className.length() - "Benchmark".length());
        }
        final StringBuilder label = new StringBuilder(className).append('.').append(table.method());
        for (final Map.Entry<String, String> param : table.params().entrySet())
        {
            label.append(' ').append(param.getKey()).append('=').append(shortNumber(param.getValue()));
        }
        if (table.threads() != 1)
        {
            label.append(" t=").append(table.threads());
        }
        return label.toString();
    }

    private static String shortNumber(final String value)
    {
        try
        {
            final long number = Long.parseLong(value);
            if (number != 0 && number % 1_000_000 == 0)
            {
                return (number / 1_000_000) + "M";
            }
            if (number != 0 && number % 1_000 == 0)
            {
                return (number / 1_000) + "K";
            }
            return value;
        }
        catch (final NumberFormatException e)
        {
            return value;
        }
    }

    private static String uniqueLabel(final String label, final Set<String> used)
    {
        String unique = label;
        int n = 2;
        while (!used.add(unique))
        {
            unique = label + " #" + n++;
        }
        return unique;
    }
}
