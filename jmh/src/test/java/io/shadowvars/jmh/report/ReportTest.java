package io.shadowvars.jmh.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the report tool on small synthetic JMH and footprint files and checks the Markdown and the
 * chart it writes.
 */
class ReportTest
{
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    /** Captured standard output of the last {@link #runReport} call. */
    private String out;

    /** Captured standard error of the last {@link #runReport} call. */
    private String err;

    @Test
    void writesTablesTargetsFootprintAndChart() throws IOException
    {
        final Path results = write("results.json", "[" + String.join(",", List.of(
            // GetHitLongBenchmark.get @1M: peers out of order, gc data, one "NaN" error.
            avgt("GetHitLongBenchmark.get", "chm-long", "1000000", "30.0", "1.2", 24.0),
            avgt("GetHitLongBenchmark.get", "shadowvars-QSBR", "1000000", "8.5", "\"NaN\"", 0.002),
            avgt("GetHitLongBenchmark.get", "weak", "1000000", "150.0", "3.0", 48.0),
            avgt("GetHitLongBenchmark.get", "agrona", "1000000", "12.0", "0.3", 0.0),
            avgt("GetHitLongBenchmark.get", "shadowvars", "1000000", "9.0", "0.5", 0.001),
            // GetHitLongBenchmark.get @1K: no gc data.
            avgt("GetHitLongBenchmark.get", "shadowvars", "1000", "5.0", "0.1", Double.NaN),
            avgt("GetHitLongBenchmark.get", "agrona", "1000", "4.0", "0.1", Double.NaN))) + "]");
        final Path more = write("more.json", "[" + String.join(",", List.of(
            group("oneReader", "shadowvars", 150, 5, 100, 4, 50, 2),
            group("oneReader", "chm-record", 80, 3, 60, 2, 20, 1),
            group("twoReaders", "shadowvars", 240, 8, 190, 6, 50, 2))) + "]");
        final Path footprint = write("footprint.json", """
            {"variables": 1000000, "dataSize": 16, "results": [
              {"impl": "agrona", "heapBytes": 2000000, "nativeBytes": 58000000, "bytesPerVariable": 60.0},
              {"impl": "shadowvars", "heapBytes": 500000, "nativeBytes": 38000000, "bytesPerVariable": 38.5},
              {"impl": "weak", "heapBytes": 120000000, "nativeBytes": 0, "bytesPerVariable": 120.0}
            ]}
            """);
        final Path md = dir.resolve("docs/out/benchmarks.md");
        final Path png = dir.resolve("docs/out/benchmarks.png");

        final int status = runReport(
            "--footprint", footprint.toString(),
            "--title", "Test run",
            "--env", "test box / JDK 17 / mvn test",
            "--out-md", md.toString(),
            "--out-png", png.toString(),
            results.toString(), more.toString());

        assertEquals(0, status, err);
        final String text = Files.readString(md);
        final List<String> lines = text.lines().toList();

        // Header: title, environment, JVM of the first result, the ratio rule, the chart link.
        assertEquals("# Test run", lines.get(0));
        assertTrue(text.contains("- Environment: test box / JDK 17 / mvn test"), text);
        assertTrue(text.contains("- JVM: JDK 17.0.15, OpenJDK 64-Bit Server VM"), text);
        assertTrue(text.contains("**ratio < 1 means shadowvars is better**"), text);
        assertTrue(text.contains("![Time per operation](benchmarks.png)"), text);
        assertTrue(text.indexOf("## Targets") < text.indexOf("### GetHitLongBenchmark.get"), "targets come first");

        // Targets: 9.0 / 12.0 = 0.750 meets 0.9; 5.0 / 4.0 = 1.25 misses 1.2; 190 / 100 = 1.90 meets 1.8.
        assertTarget(lines, "get hit @1M, long parents ≤ 0.9× Agrona L2L + slab",
            "0.750 (shadowvars 9.0 vs agrona 12.0 ns/op)", "met");
        assertTarget(lines, "get hit @1K, long parents ≤ 1.2× Agrona",
            "1.25 (shadowvars 5.0 vs agrona 4.0 ns/op)", "missed");
        assertTarget(lines, "get @1M, object parents ≤ 0.7× WeakHashMap", null, "not measured");
        assertTarget(lines, "churn @1M ≤ 1.0× Agrona slab peer", null, "not measured");
        assertTarget(lines, "0 B/op for get, getOrAlloc, alloc and free in steady state",
            "worst 0.002 B/op (GetHitLongBenchmark.get · size=1000000, shadowvars-QSBR; 2 rows measured; " +
                "1 row without gc data)", "met");
        assertTarget(lines, "≤ 40 bytes per 16-byte variable at 1M",
            "38.5 bytes/variable (shadowvars, 1,000,000 variables)", "met");
        assertTarget(lines, "two readers ≥ 1.8× one reader while a writer churns",
            "1.90× (shadowvars read 190 vs 100 ops/us)", "met");

        // Footprint: ratio = shadowvars bytes / peer bytes: 38.5 / 60 = 0.642, 38.5 / 120 = 0.321.
        assertTrue(lines.contains("| impl | heap MB | native MB | bytes/variable | ratio |"), text);
        assertTrue(lines.contains("| shadowvars | 0.500 | 38.0 | 38.5 | 1.00 |"), text);
        assertTrue(lines.contains("| agrona | 2.00 | 58.0 | 60.0 | 0.642 |"), text);
        assertTrue(lines.contains("| weak | 120 | 0 | 120 | 0.321 |"), text);

        // avgt table: ratio = shadowvars / row; the NaN error is left out; B/op from gc.alloc.rate.norm.
        final String big = section(text, "### GetHitLongBenchmark.get · size=1000000");
        assertTrue(big.contains("| impl | score ± error | unit | B/op | ratio |"), big);
        final List<String> bigRows = List.of(
            "| shadowvars | 9.0 ± 0.5 | ns/op | 0.001 | 1.00 |",
            "| shadowvars-QSBR | 8.5 | ns/op | 0.002 | 1.06 |",
            "| agrona | 12.0 ± 0.3 | ns/op | 0.000 | 0.750 |",
            "| chm-long | 30.0 ± 1.2 | ns/op | 24.0 | 0.300 |",
            "| weak | 150 ± 3 | ns/op | 48.0 | 0.0600 |");
        assertRowsInOrder(big, bigRows);

        final String small = section(text, "### GetHitLongBenchmark.get · size=1000");
        assertRowsInOrder(small, List.of(
            "| shadowvars | 5.0 ± 0.1 | ns/op | – | 1.00 |",
            "| agrona | 4.0 ± 0.1 | ns/op | – | 1.25 |"));

        // thrpt group table: ratio = row / shadowvars = 80 / 150 = 0.533; per-method columns in the
        // file's order (JMH writes them sorted by name).
        final String one = section(text, "### ReadersUnderChurnBenchmark.oneReader · size=1000000");
        assertTrue(one.contains("Mode `thrpt` (throughput, higher is better), 3 threads, 2 forks."), one);
        assertTrue(one.contains("| impl | score ± error | unit | churn (ops/us) | read (ops/us) | B/op | ratio |"), one);
        assertRowsInOrder(one, List.of(
            "| shadowvars | 150 ± 5 | ops/us | 50.0 ± 2.0 | 100 ± 4 | – | 1.00 |",
            "| chm-record | 80.0 ± 3.0 | ops/us | 20.0 ± 1.0 | 60.0 ± 2.0 | – | 0.533 |"));

        // Chart: a real PNG with one panel per avgt table (size=1M, size=1K) side by side in one row.
        assertTrue(Files.isRegularFile(png), "chart written");
        final byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1024, "chart is " + bytes.length + " bytes");
        assertArrayEquals(PNG_MAGIC, java.util.Arrays.copyOf(bytes, PNG_MAGIC.length));
        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * ChartWriter.CELL_WIDTH, image.getWidth());
        assertEquals(ChartWriter.HEADER_HEIGHT + ChartWriter.CELL_HEIGHT, image.getHeight());

        // Size=1M panel: blue shadowvars bars, then grey peer bars to their right.
        final Span bigBlue = span(image, 0, ChartWriter.LIBRARY_COLOUR);
        final Span bigGrey = span(image, 0, ChartWriter.PEER_COLOUR);
        assertTrue(bigBlue.pixels() > 0 && bigGrey.pixels() > 0, bigBlue + " " + bigGrey);
        assertTrue(bigBlue.maxX() < bigGrey.minX(), "shadowvars bars left of the peers: " + bigBlue + " " + bigGrey);

        // Size=1K panel, one bar per category: with overlapped series each bar fills BAR_FILL of its
        // category and the two bar centres are one category apart; side by side bars would be half
        // as wide and further apart.
        final Span smallBlue = span(image, 1, ChartWriter.LIBRARY_COLOUR);
        final Span smallGrey = span(image, 1, ChartWriter.PEER_COLOUR);
        final double blueWidth = smallBlue.maxX() - smallBlue.minX() + 1;
        final double greyWidth = smallGrey.maxX() - smallGrey.minX() + 1;
        final double step = (smallGrey.minX() + smallGrey.maxX()) / 2.0 - (smallBlue.minX() + smallBlue.maxX()) / 2.0;
        assertTrue(Math.abs(blueWidth - greyWidth) <= 2, smallBlue + " " + smallGrey);
        assertEquals(ChartWriter.BAR_FILL, blueWidth / step, 0.05, smallBlue + " " + smallGrey);

        assertTrue(out.contains("missed: get hit @1K, long parents ≤ 1.2× Agrona"), out);
    }

    @Test
    void footprintWithParentsKindsGetsAParentsColumn() throws IOException
    {
        final Path results = write("one.json", "[" + avgt("GetHitLongBenchmark.get", "shadowvars", "1000", "5.0", "0.1", Double.NaN) + "]");
        final Path footprint = write("footprint-parents.json", """
            {"variables": 1000000, "dataSize": 16, "results": [
              {"impl": "shadowvars", "parents": "long", "heapBytes": 20000000, "nativeBytes": 40000000, "bytesPerVariable": 60.0},
              {"impl": "shadowvars-weak", "parents": "object", "heapBytes": 100000000, "nativeBytes": 40000000, "bytesPerVariable": 140.0},
              {"impl": "shadowvars-objects", "parents": "object", "heapBytes": 30000000, "nativeBytes": 40000000, "bytesPerVariable": 70.0},
              {"impl": "weak", "parents": "object", "heapBytes": 80000000, "nativeBytes": 0, "bytesPerVariable": 80.0},
              {"impl": "agrona", "heapBytes": 40000000, "nativeBytes": 16000000, "bytesPerVariable": 56.0}
            ]}
            """);
        final Path md = dir.resolve("parents.md");

        assertEquals(0, runReport("--footprint", footprint.toString(), "--out-md", md.toString(),
            "--out-png", dir.resolve("parents.png").toString(), results.toString()), err);

        final String text = Files.readString(md);
        final String section = section(text, "## Footprint");
        assertTrue(section.contains("bytes/variable is also what each parent costs"), section);
        // The library's rows first (shadowvars, then the others by size), then the peers by size;
        // ratio = 60 / row. A row without a kind shows a dash.
        assertRowsInOrder(section, List.of(
            "| impl | parents | heap MB | native MB | bytes/variable | ratio |",
            "| shadowvars | long | 20.0 | 40.0 | 60.0 | 1.00 |",
            "| shadowvars-objects | object | 30.0 | 40.0 | 70.0 | 0.857 |",
            "| shadowvars-weak | object | 100 | 40.0 | 140 | 0.429 |",
            "| agrona | – | 40.0 | 16.0 | 56.0 | 1.07 |",
            "| weak | object | 80.0 | 0 | 80.0 | 0.750 |"));
    }

    @Test
    void chartWithoutAvgtRowsSaysNoData() throws IOException
    {
        final Path results = write("thrpt.json", "[" + group("oneReader", "shadowvars", 150, 5, 100, 4, 50, 2) + "]");
        final Path md = dir.resolve("md/report.md");
        final Path png = dir.resolve("png/chart.png");

        assertEquals(0, runReport("--out-md", md.toString(), "--out-png", png.toString(), results.toString()), err);

        final byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1024, "chart is " + bytes.length + " bytes");
        assertArrayEquals(PNG_MAGIC, java.util.Arrays.copyOf(bytes, PNG_MAGIC.length));
        final List<ResultTable> tables = ResultTable.group(JmhResult.read(results), warning -> { });
        assertTrue(ChartWriter.panels(tables).isEmpty());
        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * ChartWriter.CELL_WIDTH, image.getWidth());
        assertEquals(ChartWriter.HEADER_HEIGHT + ChartWriter.CELL_HEIGHT, image.getHeight());
        assertEquals(0, span(image, 0, ChartWriter.LIBRARY_COLOUR).pixels(), "no bars and no legend");

        final String text = Files.readString(md);
        assertTrue(text.startsWith("# " + Report.DEFAULT_TITLE + "\n"), text);
        assertTrue(text.contains("![Time per operation](../png/chart.png)"), text);
        assertTarget(text.lines().toList(), "≤ 40 bytes per 16-byte variable at 1M",
            "no footprint file (--footprint)", "not measured");
        assertTarget(text.lines().toList(), "0 B/op for get, getOrAlloc, alloc and free in steady state",
            null, "not measured");
    }

    @Test
    void onePanelPerTimeTableWithLibraryAndPeerSeries() throws IOException
    {
        final Path results = write("panels.json", "[" + String.join(",", List.of(
            timed("FreeAllBenchmark.freeAll", "ss", "ms/op", "agrona", "1000000", 1.5),
            timed("FreeAllBenchmark.freeAll", "ss", "ms/op", "shadowvars-NONE", "1000000", 63.5),
            timed("FreeAllBenchmark.freeAll", "ss", "ms/op", "shadowvars", "1000000", 68.5),
            timed("GetHitLongBenchmark.get", "avgt", "ns/op", "agrona", "1000000", 12.0),
            timed("GetHitLongBenchmark.get", "avgt", "ns/op", "shadowvars", "1000000", 9.0),
            timed("GetMissBenchmark.getMiss", "avgt", "us/op", "chm-record", "1000", 0.25),
            timed("GetMissBenchmark.getMiss", "avgt", "ns/op", "agrona", "1000", 50.0),
            group("oneReader", "shadowvars", 150, 5, 100, 4, 50, 2))) + "]");
        final List<ResultTable> tables = ResultTable.group(JmhResult.read(results), warning -> { });

        final List<CategoryChart> panels = ChartWriter.panels(tables);

        // The thrpt table has no panel; the others come in table order.
        assertEquals(List.of("FreeAll.freeAll · size=1M", "GetHitLong.get · size=1M", "GetMiss.getMiss · size=1K"),
            panels.stream().map(CategoryChart::getTitle).toList());

        // ss in the table's own unit; 68.5 / 1.5 = 46 > 20: logarithmic. Library rows first.
        final CategoryChart freeAll = panels.get(0);
        assertEquals("ms/op, single shot, log scale", freeAll.getYAxisTitle());
        assertTrue(freeAll.getStyler().isYAxisLogarithmic());
        assertTrue(freeAll.getStyler().isOverlapped());
        assertFalse(freeAll.getStyler().isLegendVisible());
        assertEquals(List.of(ChartWriter.LIBRARY_SERIES, ChartWriter.PEER_SERIES), List.copyOf(freeAll.getSeriesMap().keySet()));
        final CategorySeries library = freeAll.getSeriesMap().get(ChartWriter.LIBRARY_SERIES);
        final CategorySeries peers = freeAll.getSeriesMap().get(ChartWriter.PEER_SERIES);
        assertEquals(List.of("shadowvars", "shadowvars-NONE", "agrona"), List.copyOf(library.getXData()));
        assertEquals(List.copyOf(library.getXData()), List.copyOf(peers.getXData()));
        assertEquals(Arrays.asList(68.5, 63.5, null), new ArrayList<>(library.getYData()));
        assertEquals(Arrays.asList(null, null, 1.5), new ArrayList<>(peers.getYData()));
        assertEquals(ChartWriter.LIBRARY_COLOUR, library.getFillColor());
        assertEquals(ChartWriter.PEER_COLOUR, peers.getFillColor());

        // 12 / 9 is well within 20x: linear from 0.
        final CategoryChart get = panels.get(1);
        assertEquals("ns/op", get.getYAxisTitle());
        assertFalse(get.getStyler().isYAxisLogarithmic());
        assertEquals(0.0, get.getStyler().getYAxisMin());

        // No library row: only the peers series, in the table's row order (sorted by raw score, so
        // 0.25 us before 50 ns), every value in the first row's unit: 50 ns/op = 0.05 us/op.
        final CategoryChart miss = panels.get(2);
        assertEquals("us/op", miss.getYAxisTitle());
        assertEquals(List.of(ChartWriter.PEER_SERIES), List.copyOf(miss.getSeriesMap().keySet()));
        final CategorySeries missPeers = miss.getSeriesMap().get(ChartWriter.PEER_SERIES);
        assertEquals(List.of("chm-record", "agrona"), List.copyOf(missPeers.getXData()));
        final List<Number> missValues = new ArrayList<>(missPeers.getYData());
        assertEquals(0.25, missValues.get(0).doubleValue(), 1e-12);
        assertEquals(0.05, missValues.get(1).doubleValue(), 1e-12);

        // Three panels: one row of three cells.
        final BufferedImage image = ChartWriter.render(tables, "t");
        assertEquals(3 * ChartWriter.CELL_WIDTH, image.getWidth());
        assertEquals(ChartWriter.HEADER_HEIGHT + ChartWriter.CELL_HEIGHT, image.getHeight());
    }

    @Test
    void writerTargetsCompareRowsOfOneRunInAThroughputSection() throws IOException
    {
        final Path results = write("writers.json", "[" + String.join(",", List.of(
            avgt("GetHitLongBenchmark.get", "shadowvars", "1000", "5.0", "0.1", Double.NaN),
            thrpt("ChurnThreadsBenchmark.churn1", "shadowvars", 1, 1.0, 0.01),
            thrpt("ChurnThreadsBenchmark.churn1", "chm", 1, 0.9, 120.0),
            thrpt("ChurnThreadsBenchmark.churn2", "nbhml", 2, 1.1, 32.0),
            thrpt("ChurnThreadsBenchmark.churn2", "shadowvars", 2, 1.7, 0.02),
            thrpt("ChurnThreadsBenchmark.churn2", "chm", 2, 1.0, 130.0),
            pipe("shadowvars", 3.0, 0.5),
            pipe("chm", 3.5, 250.0),
            pipe("nbhml", 2.0, 90.0))) + "]");
        final Path md = dir.resolve("writers.md");

        assertEquals(0, runReport("--out-md", md.toString(), "--out-png", dir.resolve("writers.png").toString(),
            results.toString()), err);
        final String text = Files.readString(md);
        final List<String> lines = text.lines().toList();

        // 1.7 / 1.0 = 1.70 >= 1.6; 1.7 / 1.1 (nbhml, the faster peer) = 1.55 >= 1.5; 3.0 / 3.5 = 0.857 < 1.0.
        assertTarget(lines, "2-thread churn ≥ 1.6× 1-thread churn (shadowvars)",
            "1.70× (shadowvars churn2 1.70 vs churn1 1.00 ops/us)", "met");
        assertTarget(lines, "2-thread churn ≥ 1.5× the better peer's 2-thread churn",
            "1.55× (shadowvars 1.70 vs nbhml 1.10 ops/us)", "met");
        assertTarget(lines, "pipe ≥ 1.0× the faster peer's pipe",
            "0.857× (shadowvars 3.00 vs chm 3.50 ops/us)", "missed");
        // The new classes' shadowvars rows count for the allocation target: the pipe's 0.5 B/op is the worst.
        assertTarget(lines, "0 B/op for get, getOrAlloc, alloc and free in steady state",
            "worst 0.500 B/op (PipeBenchmark.pipe, shadowvars; 3 rows measured; 1 row without gc data)", "met");

        // Throughput tables in a section of their own, after the time-per-operation ones, with
        // their threads, the group's per-method columns, and ratio = row / shadowvars.
        final int timeSection = text.indexOf("## Results: time per operation\n");
        final int throughputSection = text.indexOf("## Results: throughput\n");
        assertTrue(timeSection >= 0 && throughputSection > timeSection, text);
        assertTrue(text.indexOf("### GetHitLongBenchmark.get · size=1000") < throughputSection, text);
        assertTrue(text.indexOf("### ChurnThreadsBenchmark.churn2\n") > throughputSection, text);
        assertTrue(text.contains(MarkdownReport.THROUGHPUT_NOTE), text);
        final String churn2 = section(text, "### ChurnThreadsBenchmark.churn2");
        assertTrue(churn2.contains("Mode `thrpt` (throughput, higher is better), 2 threads, 1 fork."), churn2);
        assertRowsInOrder(churn2, List.of(
            "| shadowvars | 1.70 ± 0.10 | ops/us | 0.020 | 1.00 |",
            "| nbhml | 1.10 ± 0.10 | ops/us | 32.0 | 0.647 |",
            "| chm | 1.00 ± 0.10 | ops/us | 130 | 0.588 |"));
        final String pipe = section(text, "### PipeBenchmark.pipe");
        assertTrue(pipe.contains("| impl | score ± error | unit | consumer (ops/us) | producer (ops/us) | B/op | ratio |"), pipe);
        assertRowsInOrder(pipe, List.of(
            "| shadowvars | 3.00 ± 0.10 | ops/us | 1.50 | 1.50 | 0.500 | 1.00 |",
            "| chm | 3.50 ± 0.10 | ops/us | 1.75 | 1.75 | 250 | 1.17 |",
            "| nbhml | 2.00 ± 0.10 | ops/us | 1.00 | 1.00 | 90.0 | 0.667 |"));
    }

    @Test
    void writerTargetsDoNotPairRowsOfDifferentRuns() throws IOException
    {
        // churn1 in one file, churn2 in another: no scaling. The faster peer's pipe row comes from
        // another run, so the pipe is compared with the slower peer of the same run only.
        final Path first = write("first.json", "[" + String.join(",", List.of(
            thrpt("ChurnThreadsBenchmark.churn1", "shadowvars", 1, 1.0, 0.01),
            pipe("shadowvars", 3.0, 0.5),
            pipe("nbhml", 2.0, 90.0))) + "]");
        final Path second = write("second.json", "[" + String.join(",", List.of(
            thrpt("ChurnThreadsBenchmark.churn2", "shadowvars", 2, 1.7, 0.02),
            pipe("chm", 3.5, 250.0))) + "]");
        final Path md = dir.resolve("runs.md");

        assertEquals(0, runReport("--out-md", md.toString(), "--out-png", dir.resolve("runs.png").toString(),
            first.toString(), second.toString()), err);
        final List<String> lines = Files.readString(md).lines().toList();

        assertTarget(lines, "2-thread churn ≥ 1.6× 1-thread churn (shadowvars)",
            "no ChurnThreadsBenchmark churn1/churn2 pair for shadowvars from one run (1 row paired across result files)",
            "not measured");
        assertTarget(lines, "2-thread churn ≥ 1.5× the better peer's 2-thread churn",
            "no ChurnThreadsBenchmark.churn2 rows for shadowvars and a peer of the same run", "not measured");
        assertTarget(lines, "pipe ≥ 1.0× the faster peer's pipe",
            "1.50× (shadowvars 3.00 vs nbhml 2.00 ops/us; 1 row from other runs left out)", "met");
    }

    @Test
    void laterDuplicateWinsWithWarning() throws IOException
    {
        final Path first = write("a.json", "[" + avgt("GetHitLongBenchmark.get", "agrona", "1000", "4.0", "0.1", Double.NaN) +
            "," + avgt("GetHitLongBenchmark.get", "shadowvars", "1000", "5.0", "0.1", Double.NaN) + "]");
        final Path second = write("b.json", "[" + avgt("GetHitLongBenchmark.get", "agrona", "1000", "6.0", "0.1", Double.NaN) + "]");
        final Path md = dir.resolve("r.md");

        assertEquals(0, runReport("--out-md", md.toString(), "--out-png", dir.resolve("r.png").toString(),
            first.toString(), second.toString()), err);

        assertTrue(err.contains("duplicate result"), err);
        // 5.0 / 6.0 = 0.833: the second file's agrona row is used.
        assertTrue(Files.readString(md).contains("| agrona | 6.0 ± 0.1 | ns/op | – | 0.833 |"), Files.readString(md));
    }

    @Test
    void badArgumentsExitWithTwoAndNameTheArgument() throws IOException
    {
        final Path results = write("ok.json", "[]");
        final String md = dir.resolve("x.md").toString();
        final String png = dir.resolve("x.png").toString();

        assertEquals(2, runReport("--bogus", "--out-md", md, "--out-png", png, results.toString()));
        assertTrue(err.contains("unknown option: --bogus"), err);
        assertTrue(err.contains("usage:"), err);
        assertFalse(Files.exists(Path.of(md)), "nothing written on bad arguments");

        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> Report.parseArguments("--out-md", md, "--out-png", png, "--colour=red", results.toString()));
        assertTrue(unknown.getMessage().contains("--colour"), unknown.getMessage());

        final IllegalArgumentException noValue = assertThrows(IllegalArgumentException.class,
            () -> Report.parseArguments("--out-png", png, results.toString(), "--out-md"));
        assertEquals("missing value for --out-md", noValue.getMessage());

        final IllegalArgumentException noMd = assertThrows(IllegalArgumentException.class,
            () -> Report.parseArguments("--out-png", png, results.toString()));
        assertTrue(noMd.getMessage().contains("--out-md"), noMd.getMessage());

        final IllegalArgumentException noInput = assertThrows(IllegalArgumentException.class,
            () -> Report.parseArguments("--out-md", md, "--out-png", png));
        assertTrue(noInput.getMessage().contains("no JMH result file"), noInput.getMessage());

        final String missing = dir.resolve("missing.json").toString();
        final IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class,
            () -> Report.parseArguments("--out-md", md, "--out-png", png, missing));
        assertTrue(noFile.getMessage().contains(missing), noFile.getMessage());

        final IllegalArgumentException noFootprint = assertThrows(IllegalArgumentException.class,
            () -> Report.parseArguments("--footprint", missing, "--out-md", md, "--out-png", png, results.toString()));
        assertTrue(noFootprint.getMessage().contains("--footprint"), noFootprint.getMessage());

        final Report.Options options = Report.parseArguments(
            "--title=T", "--out-md", md, "--out-png", png, results.toString());
        assertEquals("T", options.title());
        assertEquals(List.of(results), options.inputs());
        assertTrue(Report.parseArguments("--help").help());
    }

    @Test
    void unreadableInputExitsWithOne() throws IOException
    {
        final Path broken = write("broken.json", "{\"benchmark\": ");
        assertEquals(1, runReport("--out-md", dir.resolve("b.md").toString(),
            "--out-png", dir.resolve("b.png").toString(), broken.toString()));
        assertTrue(err.contains("broken.json"), err);
    }

    @Test
    void numbersHaveThreeSignificantDigitsAndNanosOneDecimal()
    {
        assertEquals("1,230", Numbers.sig3(1234.5));
        assertEquals("0.750", Numbers.sig3(0.75));
        assertEquals("100", Numbers.sig3(99.96));
        assertEquals("0.0123", Numbers.sig3(0.012345));
        assertEquals("4.3", Numbers.score(4.349, "ns/op"));
        assertEquals("4.35", Numbers.score(4.349, "us/op"));
        assertEquals("1,230", Numbers.score(1234.0, "ns/op"));
        assertEquals("12.3 ± 0.5", Numbers.scoreWithError(12.34, 0.456, "ns/op"));
        assertEquals("8.5", Numbers.scoreWithError(8.5, Double.NaN, "ns/op"));
        assertEquals("–", Numbers.bytesPerOp(Double.NaN));
        assertEquals(1e3, ChartWriter.toNanos(1.0, "us/op"));
        assertTrue(Double.isNaN(ChartWriter.toNanos(1.0, "ops/us")));
    }

    // ---------------------------------------------------------------------------------------------

    private int runReport(final String... args)
    {
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final int status;
        try (PrintStream outStream = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(errBytes, true, StandardCharsets.UTF_8))
        {
            status = Report.run(args, outStream, errStream);
        }
        out = outBytes.toString(StandardCharsets.UTF_8);
        err = errBytes.toString(StandardCharsets.UTF_8);
        return status;
    }

    private Path write(final String name, final String content) throws IOException
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    /** One avgt result as JMH writes it; {@code error} is raw JSON so it can be {@code "NaN"}. */
    private static String avgt(
        final String benchmark,
        final String impl,
        final String size,
        final String score,
        final String error,
        final double allocNorm)
    {
        final String gc = Double.isNaN(allocNorm) ? "" : String.format(Locale.ROOT, """
            "gc.alloc.rate": {"score": 0.01, "scoreError": 0.001, "scoreUnit": "MB/sec"},
            "gc.alloc.rate.norm": {"score": %s, "scoreError": "NaN", "scoreUnit": "B/op"},
            "gc.count": {"score": 0.0, "scoreError": "NaN", "scoreUnit": "counts"}
            """, allocNorm);
        return """
            {"jmhVersion": "1.37", "benchmark": "io.shadowvars.jmh.%s", "mode": "avgt", "threads": 1,
             "forks": 2, "jvm": "/usr/bin/java", "jdkVersion": "17.0.15", "vmName": "OpenJDK 64-Bit Server VM",
             "vmVersion": "17.0.15+6", "warmupIterations": 3, "measurementIterations": 5,
             "params": {"impl": "%s", "size": "%s"},
             "primaryMetric": {"score": %s, "scoreError": %s, "scoreConfidence": [0, 0],
                               "scoreUnit": "ns/op", "rawData": [[1.0, 2.0]]},
             "secondaryMetrics": {%s}}
            """.formatted(benchmark, impl, size, score, error, gc);
    }

    /** One thrpt {@code @Group} result of ReadersUnderChurnBenchmark with "read" and "churn". */
    private static String group(
        final String method,
        final String impl,
        final double score,
        final double error,
        final double read,
        final double readError,
        final double churn,
        final double churnError)
    {
        return String.format(Locale.ROOT, """
            {"benchmark": "io.shadowvars.jmh.ReadersUnderChurnBenchmark.%s", "mode": "thrpt", "threads": 3,
             "forks": 2, "jdkVersion": "17.0.15", "vmName": "OpenJDK 64-Bit Server VM",
             "params": {"impl": "%s", "size": "1000000"},
             "primaryMetric": {"score": %s, "scoreError": %s, "scoreUnit": "ops/us"},
             "secondaryMetrics": {
               "churn": {"score": %s, "scoreError": %s, "scoreUnit": "ops/us"},
               "read": {"score": %s, "scoreError": %s, "scoreUnit": "ops/us"}}}
            """, method, impl, score, error, churn, churnError, read, readError);
    }

    /**
     * One thrpt result of a benchmark whose only parameter is {@code impl}, with its thread count
     * and {@code -prof gc}'s allocation per operation (NaN: no gc data).
     */
    private static String thrpt(
        final String benchmark,
        final String impl,
        final int threads,
        final double score,
        final double allocNorm)
    {
        final String gc = Double.isNaN(allocNorm) ? "" : String.format(Locale.ROOT,
            "\"gc.alloc.rate.norm\": {\"score\": %s, \"scoreError\": \"NaN\", \"scoreUnit\": \"B/op\"}", allocNorm);
        return String.format(Locale.ROOT, """
            {"benchmark": "io.shadowvars.jmh.%s", "mode": "thrpt", "threads": %d, "forks": 1,
             "params": {"impl": "%s"},
             "primaryMetric": {"score": %s, "scoreError": 0.1, "scoreUnit": "ops/us"},
             "secondaryMetrics": {%s}}
            """, benchmark, threads, impl, score, gc);
    }

    /** One PipeBenchmark.pipe group result: the producer and the consumer each move half the score. */
    private static String pipe(final String impl, final double score, final double allocNorm)
    {
        return String.format(Locale.ROOT, """
            {"benchmark": "io.shadowvars.jmh.PipeBenchmark.pipe", "mode": "thrpt", "threads": 2, "forks": 1,
             "params": {"impl": "%s"},
             "primaryMetric": {"score": %s, "scoreError": 0.1, "scoreUnit": "ops/us"},
             "secondaryMetrics": {
               "consumer": {"score": %s, "scoreError": "NaN", "scoreUnit": "ops/us"},
               "gc.alloc.rate.norm": {"score": %s, "scoreError": "NaN", "scoreUnit": "B/op"},
               "producer": {"score": %s, "scoreError": "NaN", "scoreUnit": "ops/us"}}}
            """, impl, score, score / 2, allocNorm, score / 2);
    }

    /** One result with only the fields the report reads, in any mode and unit. */
    private static String timed(
        final String benchmark,
        final String mode,
        final String unit,
        final String impl,
        final String size,
        final double score)
    {
        return String.format(Locale.ROOT, """
            {"benchmark": "io.shadowvars.jmh.%s", "mode": "%s", "threads": 1, "forks": 1,
             "params": {"impl": "%s", "size": "%s"},
             "primaryMetric": {"score": %s, "scoreError": "NaN", "scoreUnit": "%s"},
             "secondaryMetrics": {}}
            """, benchmark, mode, impl, size, score, unit);
    }

    /** Where bar pixels of one colour are in one panel of the first grid row. */
    private record Span(int minX, int maxX, int pixels)
    {
    }

    /**
     * The bar pixels of one colour in one panel of the first grid row: pixels whose 3×3
     * neighbourhood is all that colour, so that stray anti-aliased text pixels do not count.
     */
    private static Span span(final BufferedImage image, final int column, final Color colour)
    {
        final int left = column * ChartWriter.CELL_WIDTH;
        int minX = Integer.MAX_VALUE;
        int maxX = Integer.MIN_VALUE;
        int pixels = 0;
        for (int y = ChartWriter.HEADER_HEIGHT + 1; y < ChartWriter.HEADER_HEIGHT + ChartWriter.CELL_HEIGHT - 1; y++)
        {
            for (int x = left + 1; x < left + ChartWriter.CELL_WIDTH - 1; x++)
            {
                if (isBlockOf(image, x, y, colour))
                {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    pixels++;
                }
            }
        }
        return new Span(minX, maxX, pixels);
    }

    private static boolean isBlockOf(final BufferedImage image, final int x, final int y, final Color colour)
    {
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                if ((image.getRGB(x + dx, y + dy) & 0xFFFFFF) != (colour.getRGB() & 0xFFFFFF))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /** Assert the Targets table row of one target: its measured text (when given) and verdict. */
    private static void assertTarget(final List<String> lines, final String target, final String measured, final String verdict)
    {
        final List<String> matches = new ArrayList<>();
        for (final String line : lines)
        {
            if (line.startsWith("| " + target + " |"))
            {
                matches.add(line);
            }
        }
        assertEquals(1, matches.size(), "one row for " + target + " in " + lines);
        final String row = matches.get(0);
        assertTrue(row.endsWith("| " + verdict + " |"), row);
        if (measured != null)
        {
            assertEquals("| " + target + " | " + measured + " | " + verdict + " |", row);
        }
    }

    /** The text of one {@code ###} section, up to the next heading. */
    private static String section(final String text, final String heading)
    {
        final int start = text.indexOf(heading + "\n");
        assertTrue(start >= 0, "no section " + heading + " in\n" + text);
        final int end = text.indexOf("\n#", start + heading.length());
        return end < 0 ? text.substring(start) : text.substring(start, end + 1);
    }

    private static void assertRowsInOrder(final String section, final List<String> rows)
    {
        final List<String> lines = section.lines().toList();
        int previous = -1;
        for (final String row : rows)
        {
            final int index = lines.indexOf(row);
            assertTrue(index >= 0, "missing row " + row + " in\n" + section);
            assertTrue(index > previous, "row out of order: " + row + " in\n" + section);
            previous = index;
        }
    }
}
