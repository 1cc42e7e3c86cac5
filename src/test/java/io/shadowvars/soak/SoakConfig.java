package io.shadowvars.soak;

/**
 * The soak's options: how long, how many threads, which stores, and the seed.
 */
final class SoakConfig
{
    /** Which kind of store the rounds build. */
    enum Stores
    {
        /** Rounds alternate: unchecked, checked, unchecked, ... */
        BOTH,
        /** Every round builds checked stores (poison, reader misuse detection). */
        CHECKED,
        /** Every round builds unchecked stores, as in production. */
        UNCHECKED
    }

    static final int MAX_THREADS = 64;
    static final long MAX_SECONDS = 7 * 24 * 3600L;

    static final String USAGE = String.join("\n",
        "Usage: scripts/soak.sh [options]",
        "",
        "T threads run a random mix of every public ShadowStore operation against a per-thread model,",
        "in rounds: each round builds an EPOCH and a QSBR store shared by the threads (plus one NONE",
        "store per thread), runs, frees everything, checks the counters, closes the stores and checks",
        "that native memory is back where it started. Exit code 0 when every check passed, 1 otherwise.",
        "",
        "Options:",
        "  --minutes N        run time in minutes (default 1)",
        "  --seconds N        run time in seconds, instead of --minutes",
        "  --threads T        worker threads (1.." + MAX_THREADS + ", default 2)",
        "  --checked          build checked stores in every round",
        "  --unchecked        build unchecked stores in every round",
        "                     (default: rounds alternate unchecked and checked)",
        "  --round-seconds R  length of one round (default: a quarter of the run, at most 60 s)",
        "  --seed S           seed of the threads' random streams (default: from the clock)",
        "  --help             print this text",
        "",
        "Exit codes: 0 every check passed, 1 a check failed, 2 bad options.");

    long seconds = 60;
    int threads = 2;
    Stores stores = Stores.BOTH;
    long roundSeconds;
    long seed = System.nanoTime();
    boolean help;

    /**
     * A configuration with the defaults and the given run time and threads.
     *
     * @param seconds run time.
     * @param threads worker threads.
     * @return the configuration.
     */
    static SoakConfig of(final long seconds, final int threads)
    {
        final SoakConfig config = new SoakConfig();
        config.seconds = seconds;
        config.threads = threads;
        return config;
    }

    /**
     * Parse command-line options.
     *
     * @param args the options.
     * @return the configuration.
     * @throws UsageException naming the bad option and value.
     */
    static SoakConfig parse(final String[] args) throws UsageException
    {
        final SoakConfig config = new SoakConfig();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            switch (arg)
            {
                case "--help":
                case "-h":
                    config.help = true;
                    break;

                case "--minutes":
                    config.seconds = 60 * number(arg, value(args, i++), 1, MAX_SECONDS / 60);
                    break;

                case "--seconds":
                    config.seconds = number(arg, value(args, i++), 1, MAX_SECONDS);
                    break;

                case "--threads":
                    config.threads = (int)number(arg, value(args, i++), 1, MAX_THREADS);
                    break;

                case "--checked":
                    config.stores = Stores.CHECKED;
                    break;

                case "--unchecked":
                    config.stores = Stores.UNCHECKED;
                    break;

                case "--round-seconds":
                    config.roundSeconds = number(arg, value(args, i++), 1, MAX_SECONDS);
                    break;

                case "--seed":
                    config.seed = number(arg, value(args, i++), Long.MIN_VALUE, Long.MAX_VALUE);
                    break;

                default:
                    throw new UsageException("unknown option: " + arg);
            }
        }
        return config;
    }

    /**
     * Length of one round in milliseconds: the option, or a quarter of the run, at most a minute.
     *
     * @return milliseconds.
     */
    long roundMillis()
    {
        final long millis = 0 != roundSeconds ? roundSeconds * 1000 : Math.min(60_000, seconds * 1000 / 4);
        return Math.max(1000, Math.min(millis, seconds * 1000));
    }

    /**
     * How many rounds the run is cut into.
     *
     * @return at least 1.
     */
    int rounds()
    {
        return (int)Math.max(1, Math.round(seconds * 1000.0 / roundMillis()));
    }

    /**
     * Whether a round builds checked stores.
     *
     * @param round the round, from 0.
     * @return true for checked stores.
     */
    boolean checked(final int round)
    {
        return Stores.CHECKED == stores || Stores.BOTH == stores && (round & 1) == 1;
    }

    /**
     * The alignment a round's stores use: 8 for the first two rounds, 64 for the next two, and so on.
     *
     * @param round the round, from 0.
     * @return the alignment.
     */
    static int alignment(final int round)
    {
        return (round & 2) == 0 ? 8 : 64;
    }

    @Override
    public String toString()
    {
        return threads + " threads, " + seconds + " s in " + rounds() + " rounds, stores " +
            stores.name().toLowerCase(java.util.Locale.ROOT) + ", seed " + seed;
    }

    private static String value(final String[] args, final int i) throws UsageException
    {
        if (i + 1 >= args.length)
        {
            throw new UsageException(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static long number(final String option, final String value, final long min, final long max)
        throws UsageException
    {
        final long parsed;
        try
        {
            parsed = Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException(option + " must be a whole number: " + value);
        }
        if (parsed < min || parsed > max)
        {
            throw new UsageException(option + " must be in " + min + ".." + max + ": " + value);
        }
        return parsed;
    }

    /**
     * A bad command line; the message names the option and the value.
     */
    static final class UsageException extends Exception
    {
        private static final long serialVersionUID = 1L;

        UsageException(final String message)
        {
            super(message);
        }
    }
}
