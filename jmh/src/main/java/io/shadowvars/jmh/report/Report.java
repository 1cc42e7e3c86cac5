package io.shadowvars.jmh.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH JSON result files into {@code docs/benchmarks.md} and a bar chart.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.shadowvars.jmh.report.Report \
 *     [--footprint footprint.json] [--title "..."] [--env "machine / JDK / command"] \
 *     --out-md docs/benchmarks.md --out-png docs/benchmarks.png results.json [more.json ...]
 * </pre>
 *
 * <p>Results are grouped into one table per benchmark method and parameter set (every parameter
 * but {@code impl}), one row per implementation, with the ratio of the primary shadowvars row to
 * each row (below 1 means shadowvars is better), followed by the performance targets of
 * {@code Targets}. Exit status: 0 on success, 1 when an input cannot be read or an output cannot
 * be written, 2 for bad arguments.
 */
public final class Report
{
    /** The usage message printed for bad arguments and {@code --help}. */
    public static final String USAGE =
        "usage: java -cp benchmarks.jar io.shadowvars.jmh.report.Report [--footprint footprint.json]\n" +
        "           [--title TEXT] [--env \"machine / JDK / command\"]\n" +
        "           --out-md FILE.md --out-png FILE.png results.json [more.json ...]";

    /** The title used when {@code --title} is not given. */
    public static final String DEFAULT_TITLE = "shadowvars benchmarks";

    private Report()
    {
    }

    /**
     * The parsed command line.
     *
     * @param footprint the footprint JSON, or null.
     * @param title     the report's title.
     * @param env       the environment text, or null.
     * @param outMd     where the Markdown goes.
     * @param outPng    where the PNG chart goes.
     * @param inputs    the JMH JSON result files, at least one.
     * @param help      true when only the usage was asked for; the other fields are then unset.
     */
    public record Options(
        Path footprint,
        String title,
        String env,
        Path outMd,
        Path outPng,
        List<Path> inputs,
        boolean help)
    {
    }

    /**
     * Run the tool and exit with its status.
     *
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.setProperty("java.awt.headless", "true");
        final int status = run(args, System.out, System.err);
        if (status != 0)
        {
            System.exit(status);
        }
    }

    /**
     * Run the tool without exiting.
     *
     * @param args the command line.
     * @param out  where progress goes.
     * @param err  where warnings, errors and the usage go.
     * @return 0 on success, 1 when reading or writing failed, 2 for bad arguments.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final Options options;
        try
        {
            options = parseArguments(args);
        }
        catch (final IllegalArgumentException e)
        {
            err.println("report: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (options.help())
        {
            out.println(USAGE);
            return 0;
        }
        if (System.getProperty("java.awt.headless") == null)
        {
            System.setProperty("java.awt.headless", "true");
        }
        try
        {
            generate(options, out, err);
            return 0;
        }
        catch (final IOException e)
        {
            err.println("report: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Parse and check the command line.
     *
     * @param args the command line; options may be written {@code --name value} or
     *             {@code --name=value}.
     * @return the options.
     * @throws IllegalArgumentException naming the bad argument when the command line is wrong:
     *                                  an unknown option, a missing value, a missing required
     *                                  option, no input, or an input file that does not exist.
     */
    public static Options parseArguments(final String... args)
    {
        Path footprint = null;
        String title = DEFAULT_TITLE;
        String env = null;
        Path outMd = null;
        Path outPng = null;
        final List<Path> inputs = new ArrayList<>();

        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if ("--help".equals(arg) || "-h".equals(arg))
            {
                return new Options(null, null, null, null, null, List.of(), true);
            }
            if (!arg.startsWith("-") || "-".equals(arg))
            {
                inputs.add(Path.of(arg));
                continue;
            }

            final String name;
            final String value;
            final int equals = arg.indexOf('=');
            if (equals > 0)
            {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            else
            {
                name = arg;
                if (!isOption(name))
                {
                    throw new IllegalArgumentException("unknown option: " + name);
                }
                if (i + 1 >= args.length)
                {
                    throw new IllegalArgumentException("missing value for " + name);
                }
                value = args[++i];
            }
            if (value.isEmpty())
            {
                throw new IllegalArgumentException("empty value for " + name);
            }

            switch (name)
            {
                case "--footprint":
                    footprint = Path.of(value);
                    break;
                case "--title":
                    title = value;
                    break;
                case "--env":
                    env = value;
                    break;
                case "--out-md":
                    outMd = Path.of(value);
                    break;
                case "--out-png":
                    outPng = Path.of(value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option: " + name);
            }
        }

        if (outMd == null)
        {
            throw new IllegalArgumentException("missing required option --out-md");
        }
        if (outPng == null)
        {
            throw new IllegalArgumentException("missing required option --out-png");
        }
        if (inputs.isEmpty())
        {
            throw new IllegalArgumentException("no JMH result file given");
        }
        for (final Path input : inputs)
        {
            if (!Files.isRegularFile(input))
            {
                throw new IllegalArgumentException("no such results file: " + input);
            }
        }
        if (footprint != null && !Files.isRegularFile(footprint))
        {
            throw new IllegalArgumentException("no such footprint file (--footprint): " + footprint);
        }
        return new Options(footprint, title, env, outMd, outPng, List.copyOf(inputs), false);
    }

    private static boolean isOption(final String name)
    {
        switch (name)
        {
            case "--footprint":
            case "--title":
            case "--env":
            case "--out-md":
            case "--out-png":
                return true;
            default:
                return false;
        }
    }

    /**
     * Read the inputs and write the Markdown and the chart.
     *
     * @param options the parsed command line.
     * @param out     where progress goes.
     * @param err     where warnings go.
     * @throws IOException when an input cannot be read or an output cannot be written.
     */
    public static void generate(final Options options, final PrintStream out, final PrintStream err) throws IOException
    {
        final List<JmhResult> results = new ArrayList<>();
        final List<String> sources = new ArrayList<>();
        for (final Path input : options.inputs())
        {
            final List<JmhResult> fileResults = JmhResult.read(input);
            results.addAll(fileResults);
            sources.add("`" + input.getFileName() + "` (" + fileResults.size() + " results)");
        }
        final Footprint footprint = options.footprint() == null ? null : Footprint.read(options.footprint());

        final List<ResultTable> tables = ResultTable.group(results, warning -> err.println("report: " + warning));
        final List<Map.Entry<Targets.Target, Targets.Outcome>> outcomes = Targets.evaluateAll(tables, footprint);

        final Path md = options.outMd().toAbsolutePath().normalize();
        final Path png = options.outPng().toAbsolutePath().normalize();
        createParent(md);
        createParent(png);

        final String markdown = MarkdownReport.render(new MarkdownReport.Content(
            options.title(),
            options.env(),
            jvmText(results),
            sources,
            outcomes,
            footprint,
            tables,
            md.getParent().relativize(png).toString().replace('\\', '/')));
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        ChartWriter.write(tables, options.title(), png);

        out.println("report: " + results.size() + " results in " + tables.size() + " tables -> " + md + ", " + png);
        for (final Map.Entry<Targets.Target, Targets.Outcome> outcome : outcomes)
        {
            out.println("  " + outcome.getValue().verdict().text() + ": " + outcome.getKey().text() +
                " — " + outcome.getValue().measured());
        }
    }

    private static String jvmText(final List<JmhResult> results)
    {
        if (results.isEmpty())
        {
            return "";
        }
        final JmhResult first = results.get(0);
        if (first.jdkVersion().isEmpty())
        {
            return first.vmName();
        }
        return "JDK " + first.jdkVersion() + (first.vmName().isEmpty() ? "" : ", " + first.vmName());
    }

    private static void createParent(final Path file) throws IOException
    {
        final Path parent = file.getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
    }
}
