package io.shadowvars.jmh.report;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Draws the time per operation of every {@code avgt} and {@code ss} table as small multiples: a
 * grid of bar charts, one panel per table and one bar per implementation, shadowvars in blue and
 * the peers in grey, each panel in the unit of its own table.
 */
final class ChartWriter
{
    /** Panels per row of the grid, at most. */
    static final int COLUMNS = 4;

    /** Width of one panel in pixels. */
    static final int CELL_WIDTH = 420;

    /** Height of one panel in pixels. */
    static final int CELL_HEIGHT = 340;

    /** Height of the title and legend above the panels in pixels. */
    static final int HEADER_HEIGHT = 64;

    /** Fill of the bars of shadowvars' implementations. */
    static final Color LIBRARY_COLOUR = new Color(0x1F5FBF);

    /** Fill of the peers' bars. */
    static final Color PEER_COLOUR = new Color(0x9E9E9E);

    /** The share of its category's width a bar takes. */
    static final double BAR_FILL = 0.7;

    /** A panel's y axis is logarithmic when its largest value is more than this times its smallest. */
    static final double LOG_SPAN = 20;

    /** The series of the implementations whose name starts with {@code shadowvars}. */
    static final String LIBRARY_SERIES = "shadowvars";

    /** The series of every other implementation. */
    static final String PEER_SERIES = "peers";

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font PANEL_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    private static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color TEXT_COLOUR = new Color(0x222222);
    private static final Color GRID_COLOUR = new Color(0xE0E0E0);

    /** Room the y axis and the panel's padding take from the plot's width, at most, in pixels. */
    private static final int Y_AXIS_ROOM = 100;

    /** Room between two upright category labels, at least, in pixels. */
    private static final int LABEL_GAP = 12;

    private ChartWriter()
    {
    }

    /**
     * Draw the chart and save it as PNG.
     *
     * @param tables the result tables; only time-per-operation ones ({@code avgt}, {@code ss}) are drawn.
     * @param title  the image's title.
     * @param png    where to write; the parent directory must exist.
     * @throws IOException when the file cannot be written.
     */
    static void write(final List<ResultTable> tables, final String title, final Path png) throws IOException
    {
        final BufferedImage image = render(tables, title);
        try (OutputStream stream = Files.newOutputStream(png))
        {
            if (!ImageIO.write(image, "png", stream))
            {
                throw new IOException("no PNG writer available for " + png);
            }
        }
    }

    /**
     * Draw the chart into an image: the title and legend on top, then the panels left to right
     * and top to bottom, {@link #COLUMNS} to a row at most. Without any panel the image is two
     * cells wide and says there is no data.
     *
     * @param tables the result tables.
     * @param title  the image's title.
     * @return the image.
     */
    static BufferedImage render(final List<ResultTable> tables, final String title)
    {
        final List<CategoryChart> panels = panels(tables);
        final int columns = panels.isEmpty() ? 2 : Math.min(COLUMNS, panels.size());
        final int rows = Math.max(1, (panels.size() + columns - 1) / columns);
        final int width = columns * CELL_WIDTH;
        final BufferedImage image = new BufferedImage(width, HEADER_HEIGHT + rows * CELL_HEIGHT, BufferedImage.TYPE_INT_RGB);

        final Graphics2D g = image.createGraphics();
        try
        {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());

            if (panels.isEmpty())
            {
                drawTitle(g, title + " — no data", width);
                drawCentred(g, "no data: the inputs have no avgt or ss results", LEGEND_FONT,
                    width, HEADER_HEIGHT + CELL_HEIGHT / 2);
                return image;
            }

            drawTitle(g, title + " — time per operation", width);
            drawLegend(g, width);
            for (int i = 0; i < panels.size(); i++)
            {
                final int x = (i % columns) * CELL_WIDTH;
                final int y = HEADER_HEIGHT + (i / columns) * CELL_HEIGHT;
                final Graphics2D cell = (Graphics2D) g.create(x, y, CELL_WIDTH, CELL_HEIGHT);
                try
                {
                    panels.get(i).paint(cell, CELL_WIDTH, CELL_HEIGHT);
                }
                finally
                {
                    cell.dispose();
                }
            }
            return image;
        }
        finally
        {
            g.dispose();
        }
    }

    /**
     * One bar chart per time-per-operation table, in the tables' order. Each has the table's
     * implementations as categories in row order, and two overlapped series over them, so every
     * bar sits centred on its label: {@link #LIBRARY_SERIES} with values for shadowvars' rows
     * only and {@link #PEER_SERIES} with values for the others only (null elsewhere). A series
     * without any value is left out.
     *
     * @param tables the result tables.
     * @return the panels, empty when no table has a positive time per operation.
     */
    static List<CategoryChart> panels(final List<ResultTable> tables)
    {
        final List<CategoryChart> panels = new ArrayList<>();
        for (final ResultTable table : tables)
        {
            if ("avgt".equals(table.mode()) || "ss".equals(table.mode()))
            {
                final CategoryChart panel = panel(table);
                if (panel != null)
                {
                    panels.add(panel);
                }
            }
        }
        return panels;
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

    /**
     * The panel of one table, its values in the unit of the table's first drawable row.
     *
     * @return the panel, or null when no row has a positive time per operation.
     */
    private static CategoryChart panel(final ResultTable table)
    {
        String unit = null;
        final List<String> impls = new ArrayList<>();
        final List<Double> library = new ArrayList<>();
        final List<Double> peers = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (final JmhResult row : table.rows())
        {
            final double nanos = toNanos(row.primary().score(), row.primary().unit());
            if (!(nanos > 0) || !Double.isFinite(nanos))
            {
                continue;
            }
            if (unit == null)
            {
                unit = row.primary().unit();
            }
            final double value = nanos / toNanos(1, unit);
            impls.add(row.impl());
            library.add(row.isLibrary() ? value : null);
            peers.add(row.isLibrary() ? null : value);
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        if (impls.isEmpty())
        {
            return null;
        }

        final boolean logarithmic = max / min > LOG_SPAN;
        String axisTitle = unit;
        if ("ss".equals(table.mode()))
        {
            axisTitle += ", single shot";
        }
        if (logarithmic)
        {
            axisTitle += ", log scale";
        }

        final CategoryChart chart = new CategoryChartBuilder()
            .width(CELL_WIDTH)
            .height(CELL_HEIGHT)
            .title(panelTitle(table))
            .yAxisTitle(axisTitle)
            .build();
        final CategoryStyler styler = chart.getStyler();
        styler.setLegendVisible(false);
        styler.setOverlapped(true);
        styler.setAvailableSpaceFill(BAR_FILL);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(GRID_COLOUR);
        styler.setPlotGridLinesColor(GRID_COLOUR);
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitleFont(PANEL_TITLE_FONT);
        styler.setChartFontColor(TEXT_COLOUR);
        styler.setAxisTickLabelsFont(AXIS_FONT);
        styler.setAxisTickLabelsColor(TEXT_COLOUR);
        styler.setAxisTitleFont(AXIS_FONT);
        styler.setXAxisTitleVisible(false);
        styler.setAxisTicksLineVisible(false);
        styler.setChartPadding(10);
        // Upright labels when they fit; else vertical ones, which XChart centres on their bars (slanted
        // ones it centres too, so their ends would point at the next bar).
        styler.setXAxisLabelRotation(labelsFit(impls) ? 0 : 90);
        styler.setYAxisDecimalPattern("#,##0.#");
        if (logarithmic)
        {
            // Bars grow from the axis minimum: whole decades around the values keep every bar visible.
            styler.setYAxisLogarithmic(true);
            styler.setYAxisMin(Math.pow(10, Math.ceil(Math.log10(min)) - 1));
            styler.setYAxisMax(Math.pow(10, Math.floor(Math.log10(max)) + 1));
        }
        else
        {
            styler.setYAxisMin(0.0);
        }

        if (library.stream().anyMatch(value -> value != null))
        {
            chart.addSeries(LIBRARY_SERIES, impls, library).setFillColor(LIBRARY_COLOUR);
        }
        if (peers.stream().anyMatch(value -> value != null))
        {
            chart.addSeries(PEER_SERIES, impls, peers).setFillColor(PEER_COLOUR);
        }
        return chart;
    }

    /**
     * Whether every category label fits its share of the plot's width unrotated.
     */
    private static boolean labelsFit(final List<String> labels)
    {
        final FontRenderContext context = new FontRenderContext(null, true, true);
        final double slot = (double) (CELL_WIDTH - Y_AXIS_ROOM) / labels.size();
        for (final String label : labels)
        {
            if (AXIS_FONT.getStringBounds(label, context).getWidth() + LABEL_GAP > slot)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * A panel's title: the class without its {@code Benchmark} suffix, the method, and the
     * parameters with round thousands and millions shortened, such as
     * {@code GetHitLong.get · size=1M}; a thread count other than one is added as a parameter.
     */
    private static String panelTitle(final ResultTable table)
    {
        String className = table.className();
        if (className.endsWith("Benchmark") && className.length() > "Benchmark".length())
        {
            className = className.substring(0, className.length() - "Benchmark".length());
        }
        final List<String> params = new ArrayList<>();
        for (final Map.Entry<String, String> param : table.params().entrySet())
        {
            params.add(param.getKey() + "=" + shortNumber(param.getValue()));
        }
        if (table.threads() != 1)
        {
            params.add("threads=" + table.threads());
        }
        final String name = className + "." + table.method();
        return params.isEmpty() ? name : name + " · " + String.join(", ", params);
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

    /** Draw the image's title centred in the top line, made smaller when it would not fit. */
    private static void drawTitle(final Graphics2D g, final String title, final int width)
    {
        Font font = TITLE_FONT;
        while (font.getSize() > 10 && g.getFontMetrics(font).stringWidth(title) > width - 20)
        {
            font = font.deriveFont((float) font.getSize() - 1);
        }
        drawCentred(g, title, font, width, 30);
    }

    /** Draw the legend line under the title: a blue and a grey swatch, then how to read the bars. */
    private static void drawLegend(final Graphics2D g, final int width)
    {
        final FontMetrics metrics = g.getFontMetrics(LEGEND_FONT);
        final String library = "shadowvars";
        final String peers = "peers";
        final String note = "lower is better";
        final int swatch = 12;
        final int gap = 6;
        final int space = 24;
        final int total = swatch + gap + metrics.stringWidth(library) + space +
            swatch + gap + metrics.stringWidth(peers) + space + metrics.stringWidth(note);

        final int baseline = 52;
        final int swatchTop = baseline - swatch + 1;
        int x = Math.max(10, (width - total) / 2);
        g.setFont(LEGEND_FONT);

        g.setColor(LIBRARY_COLOUR);
        g.fillRect(x, swatchTop, swatch, swatch);
        x += swatch + gap;
        g.setColor(TEXT_COLOUR);
        g.drawString(library, x, baseline);
        x += metrics.stringWidth(library) + space;

        g.setColor(PEER_COLOUR);
        g.fillRect(x, swatchTop, swatch, swatch);
        x += swatch + gap;
        g.setColor(TEXT_COLOUR);
        g.drawString(peers, x, baseline);
        x += metrics.stringWidth(peers) + space;

        g.drawString(note, x, baseline);
    }

    private static void drawCentred(final Graphics2D g, final String text, final Font font, final int width, final int baseline)
    {
        g.setFont(font);
        g.setColor(TEXT_COLOUR);
        final int textWidth = g.getFontMetrics(font).stringWidth(text);
        g.drawString(text, Math.max(10, (width - textWidth) / 2), baseline);
    }
}
