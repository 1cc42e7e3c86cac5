package io.shadowvars.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The demo's entry point: {@code java -jar shadowvars-demo.jar [options]}; {@code --help} lists
 * the options. Exit code 0 when every check passed, 1 when verification failed (or a counters file could
 * not be created or read), 2 for bad options.
 */
public final class Main
{
    /** Every check passed. */
    public static final int EXIT_OK = 0;

    /**
     * Verification failed (a mismatch, a failed thread, a leaked variable), the JSON could not be
     * written, or a counters file could not be created or read.
     */
    public static final int EXIT_FAILED = 1;

    /** Bad command line. */
    public static final int EXIT_USAGE = 2;

    private Main()
    {
    }

    /**
     * Run the demo and exit the JVM with its exit code.
     *
     * @param args the options; see {@code --help}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Run the demo without exiting: for tests and embedding.
     *
     * @param args the options; see {@code --help}.
     * @param out  where progress and the summary go.
     * @param err  where usage errors and failures go.
     * @return the exit code: {@link #EXIT_OK}, {@link #EXIT_FAILED} or {@link #EXIT_USAGE}.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final DemoOptions options;
        try
        {
            options = DemoOptions.parse(args);
        }
        catch (final DemoOptions.UsageException ex)
        {
            err.println("shadowvars-demo: " + ex.getMessage());
            err.println();
            err.println(DemoOptions.USAGE);
            return EXIT_USAGE;
        }
        if (options.help)
        {
            out.println(DemoOptions.USAGE);
            return EXIT_OK;
        }

        if (null != options.readCounters)
        {
            try
            {
                if (0 == CountersFile.print(options.readCounters, out))
                {
                    out.println("no counters allocated in " + options.readCounters);
                }
                out.flush();
                return EXIT_OK;
            }
            catch (final IOException | RuntimeException ex)
            {
                err.println("shadowvars-demo: cannot read --read-counters " + options.readCounters + ": " + ex.getMessage());
                return EXIT_FAILED;
            }
        }

        final DemoResult result;
        try
        {
            result = new DemoRun(options, out).run();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            err.println("shadowvars-demo: interrupted");
            return EXIT_FAILED;
        }
        catch (final IOException ex)
        {
            err.println("shadowvars-demo: cannot create --counters-file " + options.countersFile + ": " + ex);
            return EXIT_FAILED;
        }

        out.print(result.toText());
        if (null != result.failure)
        {
            result.failure.printStackTrace(err);
        }
        int exitCode = result.ok() ? EXIT_OK : EXIT_FAILED;
        if (null != options.json)
        {
            try
            {
                Files.writeString(options.json, result.toJson(exitCode), StandardCharsets.UTF_8);
                out.println("json            " + options.json);
            }
            catch (final IOException ex)
            {
                err.println("shadowvars-demo: cannot write --json " + options.json + ": " + ex);
                exitCode = EXIT_FAILED;
            }
        }
        out.flush();
        return exitCode;
    }
}
