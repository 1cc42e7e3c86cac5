package io.shadowvars.jmh.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the report as Markdown: title, environment, the ratio rule, the targets, the footprint
 * table and one table per benchmark, the time-per-operation tables first and then, in a section
 * of their own, the throughput ones.
 */
final class MarkdownReport
{
    /** The rule every ratio follows, stated once at the top of the report. */
    static final String RATIO_RULE =
        "**Ratio rule:** every ratio compares the primary shadowvars row (impl `shadowvars`, else the first impl " +
        "starting with `shadowvars`) with the row it stands in. For time per operation (modes `avgt`, `ss`) " +
        "it is shadowvars ÷ that row; for throughput (`thrpt`) it is that row ÷ shadowvars; for the footprint " +
        "it is shadowvars bytes ÷ that row's bytes. So everywhere **ratio < 1 means shadowvars is better**.";

    /** What the throughput section says before its tables. */
    static final String THROUGHPUT_NOTE =
        "Operations per microsecond (`ops/us`), higher is better; a benchmark run with several threads, or a " +
        "`@Group` of them, counts the operations of all its threads, and a group's per-method columns split " +
        "that total. The ratio is that row ÷ shadowvars, so below 1 still means shadowvars is better.";

    private MarkdownReport()
    {
    }

    /**
     * What the report shows.
     *
     * @param title     the title.
     * @param env       the environment text from {@code --env}, or null.
     * @param jvm       the JDK and VM of the first result, or an empty string.
     * @param sources   the input files with how many results each held.
     * @param outcomes  every target with its outcome.
     * @param footprint the footprint, or null.
     * @param tables    the result tables.
     * @param chartLink the chart's path relative to the Markdown file, or null.
     */
    record Content(
        String title,
        String env,
        String jvm,
        List<String> sources,
        List<Map.Entry<Targets.Target, Targets.Outcome>> outcomes,
        Footprint footprint,
        List<ResultTable> tables,
        String chartLink)
    {
    }

    /**
     * Render the report.
     *
     * @param content what to show.
     * @return the Markdown text.
     */
    static String render(final Content content)
    {
        final StringBuilder md = new StringBuilder();
        md.append("# ").append(content.title()).append("\n\n");

        if (content.env() != null && !content.env().isBlank())
        {
            md.append("- Environment: ").append(content.env().strip()).append('\n');
        }
        if (!content.jvm().isBlank())
        {
            md.append("- JVM: ").append(content.jvm()).append('\n');
        }
        md.append("- Results: ").append(String.join(", ", content.sources())).append("\n\n");

        md.append(RATIO_RULE).append("\n\n");

        md.append("## Targets\n\n");
        final List<List<String>> targetRows = new ArrayList<>();
        for (final Map.Entry<Targets.Target, Targets.Outcome> entry : content.outcomes())
        {
            targetRows.add(List.of(entry.getKey().text(), entry.getValue().measured(), entry.getValue().verdict().text()));
        }
        table(md, List.of("Target", "Measured", "Verdict"), List.of(false, false, false), targetRows);

        if (content.chartLink() != null)
        {
            md.append("## Chart\n\n");
            md.append("Time per operation of every `avgt` and `ss` table, one panel per table: shadowvars in blue, " +
                "the peers in grey; lower is better. Throughput tables are not drawn.\n\n");
            md.append("![Time per operation](").append(content.chartLink()).append(")\n\n");
        }

        if (content.footprint() != null)
        {
            footprint(md, content.footprint());
        }

        final List<ResultTable> timed = new ArrayList<>();
        final List<ResultTable> throughput = new ArrayList<>();
        for (final ResultTable table : content.tables())
        {
            (table.higherIsBetter() ? throughput : timed).add(table);
        }
        if (content.tables().isEmpty())
        {
            md.append("## Results\n\nNo results.\n");
        }
        if (!timed.isEmpty())
        {
            md.append("## Results: time per operation\n\n");
            for (final ResultTable table : timed)
            {
                resultTable(md, table);
            }
        }
        if (!throughput.isEmpty())
        {
            md.append("## Results: throughput\n\n").append(THROUGHPUT_NOTE).append("\n\n");
            for (final ResultTable table : throughput)
            {
                resultTable(md, table);
            }
        }
        return md.toString();
    }

    private static void footprint(final StringBuilder md, final Footprint footprint)
    {
        md.append("## Footprint\n\n");
        md.append(Numbers.fixed(footprint.variables(), 0)).append(" variables of ")
            .append(footprint.dataSize()).append(" bytes each; MB = 10^6 bytes.");
        final boolean parents = footprint.hasParents();
        if (parents)
        {
            md.append(" One variable per parent, so bytes/variable is also what each parent costs: the heap")
                .append(" (after a full GC) and native bytes the table adds, the parents themselves not counted.")
                .append(" `long` parents are handles; `object` parents are plain objects.");
        }
        md.append("\n\n");
        final List<List<String>> rows = new ArrayList<>();
        for (final Footprint.Entry entry : footprint.entries())
        {
            final List<String> row = new ArrayList<>();
            row.add(entry.impl());
            if (parents)
            {
                row.add(entry.parents() == null ? "–" : entry.parents());
            }
            row.add(Numbers.sig3(entry.heapBytes() / 1e6));
            row.add(Numbers.sig3(entry.nativeBytes() / 1e6));
            row.add(Numbers.sig3(entry.bytesPerVariable()));
            row.add(Numbers.sig3(footprint.ratio(entry)));
            rows.add(row);
        }
        if (parents)
        {
            table(md, List.of("impl", "parents", "heap MB", "native MB", "bytes/variable", "ratio"),
                List.of(false, false, true, true, true, true), rows);
        }
        else
        {
            table(md, List.of("impl", "heap MB", "native MB", "bytes/variable", "ratio"),
                List.of(false, true, true, true, true), rows);
        }
    }

    private static void resultTable(final StringBuilder md, final ResultTable table)
    {
        md.append("### ").append(table.title()).append("\n\n");
        final List<JmhResult> rows = table.rows();
        final String unit = rows.get(0).primary().unit();
        md.append("Mode `").append(table.mode()).append("` (").append(modeText(table.mode())).append("), ")
            .append(table.threads()).append(table.threads() == 1 ? " thread" : " threads").append(", ")
            .append(rows.get(0).forks()).append(rows.get(0).forks() == 1 ? " fork" : " forks").append(".\n\n");

        final List<String> groupMethods = table.groupMethods();
        final List<String> header = new ArrayList<>(List.of("impl", "score ± error", "unit"));
        final List<Boolean> numeric = new ArrayList<>(List.of(false, true, false));
        for (final String method : groupMethods)
        {
            header.add(method + " (" + unit + ")");
            numeric.add(true);
        }
        header.add("B/op");
        header.add("ratio");
        numeric.add(true);
        numeric.add(true);

        final List<List<String>> cells = new ArrayList<>();
        for (final JmhResult row : rows)
        {
            final JmhResult.Metric primary = row.primary();
            final List<String> line = new ArrayList<>();
            line.add(row.impl());
            line.add(Numbers.scoreWithError(primary.score(), primary.error(), primary.unit()));
            line.add(primary.unit());
            for (final String method : groupMethods)
            {
                final JmhResult.Metric metric = row.secondary().get(method);
                line.add(metric == null ? Numbers.MISSING :
                    Numbers.scoreWithError(metric.score(), metric.error(), metric.unit()));
            }
            line.add(Numbers.bytesPerOp(row.allocPerOp()));
            line.add(Numbers.sig3(table.ratio(row)));
            cells.add(line);
        }
        table(md, header, numeric, cells);
    }

    private static String modeText(final String mode)
    {
        switch (mode)
        {
            case "avgt":
                return "time per operation, lower is better";
            case "ss":
                return "single shot time, lower is better";
            case "thrpt":
                return "throughput, higher is better";
            case "sample":
                return "sampled time, lower is better";
            default:
                return mode;
        }
    }

    private static void table(
        final StringBuilder md,
        final List<String> header,
        final List<Boolean> rightAligned,
        final List<List<String>> rows)
    {
        md.append('|');
        for (final String cell : header)
        {
            md.append(' ').append(escape(cell)).append(" |");
        }
        md.append("\n|");
        for (final boolean right : rightAligned)
        {
            md.append(right ? "---:|" : "---|");
        }
        md.append('\n');
        for (final List<String> row : rows)
        {
            md.append('|');
            for (final String cell : row)
            {
                md.append(' ').append(escape(cell)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private static String escape(final String cell)
    {
        return cell.replace("|", "\\|").replace("\n", " ");
    }
}
