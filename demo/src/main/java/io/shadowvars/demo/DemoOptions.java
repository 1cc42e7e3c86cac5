package io.shadowvars.demo;

import io.shadowvars.Reclamation;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The demo's command-line options, parsed and checked. Bad input throws {@link UsageException}
 * naming the option and the value; nothing is clamped or guessed.
 */
final class DemoOptions
{
    static final int DEFAULT_BUFFERS = 4096;
    static final int MAX_BUFFERS = 1 << 20;
    static final int DEFAULT_SECONDS = 20;
    static final int MAX_SECONDS = 24 * 3600;
    static final int DEFAULT_CONSUMERS = 2;
    static final int MAX_CONSUMERS = 64;
    static final int DEFAULT_PAYLOAD = 64;
    static final int MAX_PAYLOAD = 1 << 16;
    static final int MAX_INITIAL_CAPACITY = 1 << 29;

    /** The usage text, printed by {@code --help} and after a bad option. */
    static final String USAGE = String.join("\n",
        "Usage: java -jar shadowvars-demo.jar [options]",
        "",
        "A receive pipeline over a pool of off-heap packet buffers: a producer attaches metadata to each",
        "buffer (getOrAlloc), consumers look it up (get), verify and update it, then free it before the",
        "buffer goes back to the pool. Prints a progress line each second and a summary at the end.",
        "",
        "Options:",
        "  --buffers N            packet buffers in the pool (1.." + MAX_BUFFERS + ", default " + DEFAULT_BUFFERS + ")",
        "  --seconds S            run time in whole seconds, warm-up included (1.." + MAX_SECONDS +
            ", default " + DEFAULT_SECONDS + ")",
        "  --consumers T          consumer threads (1.." + MAX_CONSUMERS + ", default " + DEFAULT_CONSUMERS +
            "; 1 with --reclamation NONE)",
        "  --reclamation MODE     EPOCH (default), QSBR or NONE; NONE runs the whole pipeline on one",
        "                         thread and so allows only --consumers 1",
        "  --payload BYTES        metadata size, a multiple of 8 (" + RxMeta.MIN_META_BYTES + ".." + MAX_PAYLOAD +
            ", default " + DEFAULT_PAYLOAD + ")",
        "  --peer chm             run the same pipeline over a ConcurrentHashMap<Long, long[]> side table",
        "  --idle MODE            how a thread with nothing to do waits: backoff (default: 100 spins, 10",
        "                         yields, then parks of 1 us growing to 100 us) or park (10 spins, then the",
        "                         same parks; for machines with fewer cores than the demo's threads)",
        "  --initial-capacity N   the store's initial capacity in variables (1.." + MAX_INITIAL_CAPACITY +
            ", default 2 x buffers); a small one lets the table grow while the demo runs",
        "  --checked              build the store in checked mode (poisons reclaimed memory, detects reader",
        "                         misuse): slower, for hunting bugs",
        "  --json FILE            also write the summary as JSON to FILE",
        "  --counters-file FILE   register the store's counters in an Agrona CountersManager over FILE, a",
        "                         new memory-mapped file (refused if it exists), updated each second;",
        "                         another process reads them with --read-counters FILE; deleted at the end",
        "  --read-counters FILE   print the counters in FILE (written by a running demo) and exit; no other",
        "                         option may be given with it",
        "  --help                 print this text and exit",
        "",
        "Exit codes: 0 verified OK (or counters printed), 1 verification failed (or the JSON or counters file",
        "could not be written or read), 2 bad options.");

    int buffers = DEFAULT_BUFFERS;
    int seconds = DEFAULT_SECONDS;
    int consumers = DEFAULT_CONSUMERS;
    Reclamation reclamation = Reclamation.EPOCH;
    int payload = DEFAULT_PAYLOAD;
    boolean peerChm;
    /** Idle threads park after a few spins, without yielding (--idle park). */
    boolean idlePark;
    boolean checked;
    /** 0: two per buffer. */
    int initialCapacity;
    Path json;
    Path countersFile;
    Path readCounters;
    boolean help;

    private DemoOptions()
    {
    }

    /**
     * Parse the arguments.
     *
     * @param args the command line.
     * @return the options.
     * @throws UsageException naming the bad option or value.
     */
    static DemoOptions parse(final String[] args) throws UsageException
    {
        final DemoOptions options = new DemoOptions();
        boolean consumersGiven = false;
        String otherOption = null;
        boolean reclamationGiven = false;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!"--read-counters".equals(arg) && null == otherOption)
            {
                otherOption = arg;
            }
            switch (arg)
            {
                case "--help":
                case "-h":
                    options.help = true;
                    break;

                case "--buffers":
                    options.buffers = intValue(arg, value(args, i++), 1, MAX_BUFFERS);
                    break;

                case "--seconds":
                    options.seconds = intValue(arg, value(args, i++), 1, MAX_SECONDS);
                    break;

                case "--consumers":
                    options.consumers = intValue(arg, value(args, i++), 1, MAX_CONSUMERS);
                    consumersGiven = true;
                    break;

                case "--reclamation":
                    options.reclamation = reclamation(value(args, i++));
                    reclamationGiven = true;
                    break;

                case "--payload":
                    options.payload = intValue(arg, value(args, i++), RxMeta.MIN_META_BYTES, MAX_PAYLOAD);
                    if (options.payload % 8 != 0)
                    {
                        throw new UsageException("--payload must be a multiple of 8: " + options.payload);
                    }
                    break;

                case "--peer":
                    final String peer = value(args, i++);
                    if (!"chm".equals(peer))
                    {
                        throw new UsageException("--peer must be chm: " + peer);
                    }
                    options.peerChm = true;
                    break;

                case "--idle":
                    final String idle = value(args, i++);
                    if (!"backoff".equals(idle) && !"park".equals(idle))
                    {
                        throw new UsageException("--idle must be backoff or park: " + idle);
                    }
                    options.idlePark = "park".equals(idle);
                    break;

                case "--initial-capacity":
                    options.initialCapacity = intValue(arg, value(args, i++), 1, MAX_INITIAL_CAPACITY);
                    break;

                case "--checked":
                    options.checked = true;
                    break;

                case "--json":
                    final String file = value(args, i++);
                    if (file.isEmpty())
                    {
                        throw new UsageException("--json needs a file name");
                    }
                    options.json = Path.of(file);
                    break;

                case "--counters-file":
                    options.countersFile = path(arg, value(args, i++));
                    if (Files.exists(options.countersFile))
                    {
                        throw new UsageException("--counters-file exists already (remove it or name another): " +
                            options.countersFile);
                    }
                    break;

                case "--read-counters":
                    options.readCounters = path(arg, value(args, i++));
                    break;

                default:
                    throw new UsageException("unknown option: " + arg);
            }
        }

        if (null != options.readCounters && null != otherOption)
        {
            throw new UsageException("--read-counters takes no other option: " + otherOption);
        }
        if (0 != options.initialCapacity && options.peerChm)
        {
            throw new UsageException("--initial-capacity sizes the shadowvars store, not --peer chm: " +
                options.initialCapacity);
        }
        if (null != options.countersFile && options.peerChm)
        {
            throw new UsageException("--counters-file needs the shadowvars store, not --peer chm: " +
                options.countersFile);
        }
        if (options.peerChm)
        {
            // The peer has no store: these would be silently ignored. NONE still means one thread.
            if (options.checked)
            {
                throw new UsageException("--checked does nothing with --peer chm (the peer has no store)");
            }
            if (reclamationGiven && Reclamation.NONE != options.reclamation)
            {
                throw new UsageException("--reclamation " + options.reclamation + " does nothing with --peer chm " +
                    "(the peer has no store; only NONE, one thread, applies)");
            }
        }
        if (null != options.json)
        {
            checkWritable(options.json);
        }
        if (Reclamation.NONE == options.reclamation)
        {
            if (consumersGiven && options.consumers != 1)
            {
                throw new UsageException("--reclamation NONE runs on one thread and needs --consumers 1, not " +
                    options.consumers);
            }
            options.consumers = 1;
        }
        return options;
    }

    /**
     * Whether the pipeline runs on one thread (producer and consumer steps interleaved).
     *
     * @return true for {@link Reclamation#NONE}.
     */
    boolean singleThreaded()
    {
        return Reclamation.NONE == reclamation;
    }

    /**
     * Warm-up before the steady state is measured: a fifth of the run, at most 2 seconds.
     *
     * @return nanoseconds.
     */
    long warmupNanos()
    {
        return Math.min(2_000_000_000L, seconds * 200_000_000L);
    }

    /**
     * Refuse, before the run, a JSON file that cannot be written: its directory is missing or not
     * writable, or it is a directory or a read-only file. A failure the check cannot foresee (a
     * full disk) still ends the run with exit code 1.
     */
    private static void checkWritable(final Path file) throws UsageException
    {
        final Path absolute = file.toAbsolutePath();
        final Path directory = absolute.getParent();
        if (Files.isDirectory(absolute))
        {
            throw new UsageException("--json names a directory, not a file: " + file);
        }
        if (null == directory || !Files.isDirectory(directory))
        {
            throw new UsageException("--json names a file in a directory that does not exist: " + file);
        }
        if (Files.exists(absolute) ? !Files.isWritable(absolute) : !Files.isWritable(directory))
        {
            throw new UsageException("--json names a file that cannot be written: " + file);
        }
    }

    private static String value(final String[] args, final int i) throws UsageException
    {
        if (i + 1 >= args.length)
        {
            throw new UsageException(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static Path path(final String option, final String value) throws UsageException
    {
        if (value.isEmpty())
        {
            throw new UsageException(option + " needs a file name");
        }
        try
        {
            return Path.of(value);
        }
        catch (final InvalidPathException ex)
        {
            throw new UsageException(option + " is not a valid file name: " + value);
        }
    }

    private static int intValue(final String option, final String value, final int min, final int max)
        throws UsageException
    {
        final int parsed;
        try
        {
            parsed = Integer.parseInt(value);
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

    private static Reclamation reclamation(final String value) throws UsageException
    {
        try
        {
            return Reclamation.valueOf(value.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException("--reclamation must be EPOCH, QSBR or NONE: " + value);
        }
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
