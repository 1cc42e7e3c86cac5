package io.shadowvars.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the demo in-process, briefly, and checks its verdict, its counts and its JSON; and that bad
 * options end with exit code 2 and a message naming them.
 */
class MainTest
{
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(final String... args)
    {
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8))
        {
            return Main.run(args, out, err);
        }
    }

    private String out()
    {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = { "EPOCH", "QSBR" })
    void shouldVerifyEveryPacketAndWriteJson(final String reclamation, @TempDir final Path dir) throws IOException
    {
        final Path json = dir.resolve("summary.json");

        final int exitCode = run("--seconds", "3", "--buffers", "1024", "--reclamation", reclamation,
            "--json", json.toString());

        assertEquals(Main.EXIT_OK, exitCode, () -> out() + err());
        assertTrue(out().contains("verification    OK"), out());
        assertTrue(out().contains("pkt/s"), "a progress line each second: " + out());
        assertSummaryJson(Files.readString(json), "\"reclamation\": \"" + reclamation + "\"");
    }

    @Test
    void shouldVerifyEveryPacketWhenIdleThreadsPark(@TempDir final Path dir) throws IOException
    {
        final Path json = dir.resolve("park.json");

        final int exitCode = run("--seconds", "2", "--buffers", "1024", "--idle", "park", "--json", json.toString());

        assertEquals(Main.EXIT_OK, exitCode, () -> out() + err());
        assertTrue(out().contains("idle threads park"), out());
        assertSummaryJson(Files.readString(json), "\"idle\": \"park\"");
    }

    @Test
    void shouldRunSingleThreadedWithoutReclamation(@TempDir final Path dir) throws IOException
    {
        final Path json = dir.resolve("none.json");

        // From a 16-variable table: it grows while the pipeline runs.
        final int exitCode = run("--seconds", "2", "--buffers", "512", "--reclamation", "NONE",
            "--initial-capacity", "16", "--json", json.toString());

        assertEquals(Main.EXIT_OK, exitCode, () -> out() + err());
        assertSummaryJson(Files.readString(json), "\"reclamation\": \"NONE\"");
    }

    @Test
    void shouldLetAnotherReaderSeeTheCountersWhileTheDemoRuns(@TempDir final Path dir) throws Exception
    {
        final Path counters = dir.resolve("demo-counters.dat");
        final int[] exitCode = { -1 };
        final Thread demo = new Thread(() -> exitCode[0] = run("--seconds", "3", "--buffers", "1024",
            "--counters-file", counters.toString()));
        demo.start();

        // Read as another process would: Main.run --read-counters maps the file on its own.
        final StringBuilder reads = new StringBuilder();
        String seen = "";
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && demo.isAlive())
        {
            final ByteArrayOutputStream readerOut = new ByteArrayOutputStream();
            final int readerExit = Files.exists(counters) ? Main.run(new String[]{ "--read-counters", counters.toString() },
                new PrintStream(readerOut, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())) : -1;
            final String read = readerOut.toString(StandardCharsets.UTF_8);
            reads.append(read).append("--\n");
            if (Main.EXIT_OK == readerExit && counter(read, "reserved bytes") > 0)
            {
                // Registered and written while the demo runs. (How many variables are live at a
                // tick depends on the machine's load: a starved pipeline may show 0.)
                seen = read;
                break;
            }
            Thread.sleep(50);
        }
        demo.join();
        final String allReads = reads.toString();

        assertEquals(Main.EXIT_OK, exitCode[0], () -> out() + err());
        for (final String kind : new String[]{ "live variables", "live bytes", "reserved bytes", "pending-free bytes",
            "duplicate allocs", "failed allocs" })
        {
            assertTrue(counter(seen, kind) >= 0, () -> kind + " in " + allReads + out());
        }
        assertTrue(counter(seen, "reserved bytes") > 0, seen);
        assertEquals(0, counter(seen, "failed allocs"), seen);
        assertTrue(out().contains("counters file   " + counters), out());
        assertTrue(out().contains("counters        0 duplicate allocs, 0 failed allocs, "), out());
        assertFalse(Files.exists(counters), "the demo deletes its counters file at the end");
    }

    /** The value on the line of {@code "shadowvars-demo: <kind>"}, or -1 when absent. */
    private static long counter(final String lines, final String kind)
    {
        final Matcher matcher = Pattern.compile("^ *\\d+: +([\\d,]+) - " + DemoRun.COUNTERS_LABEL + ": " + kind + "$",
            Pattern.MULTILINE).matcher(lines);
        return matcher.find() ? Long.parseLong(matcher.group(1).replace(",", "")) : -1;
    }

    private static void assertSummaryJson(final String json, final String expected)
    {
        assertTrue(json.contains(expected), json);
        assertTrue(json.contains("\"verdict\": \"OK\""), json);
        assertTrue(json.contains("\"exitCode\": 0"), json);
        assertEquals(0, number(json, "mismatches"), json);
        assertTrue(number(json, "packets") > 0, json);
        assertTrue(number(json, "opsPerSecond") > 0, json);
        assertTrue(number(json, "reservedBytes") > 0, json);
        assertEquals(0, number(json, "liveVariablesAfterDrain"), json);
        assertEquals(0, number(json, "pendingFreeBytesAfterDrain"), json);
        assertEquals(0, number(json, "failedAllocs"), json);
        assertTrue(number(json, "duplicateAllocs") >= 0, json);
        assertTrue(number(json, "reservedBytesAfterDrain") > 0, json);
        for (final String field : new String[]{ "\"get\"", "\"getOrAlloc\"", "\"free\"", "\"p50\"", "\"p99\"",
            "\"p999\"", "\"max\"", "\"gcCount\"", "\"gcMillis\"", "\"packetsPerSecond\"" })
        {
            assertTrue(json.contains(field), field + " in " + json);
        }
        final Matcher counts = Pattern.compile("\"(get|getOrAlloc|free)\": \\{\"count\": (\\d+)").matcher(json);
        int rows = 0;
        while (counts.find())
        {
            assertTrue(Long.parseLong(counts.group(2)) > 0, counts.group(1) + " ops in " + json);
            rows++;
        }
        assertEquals(3, rows, json);
    }

    private static long number(final String json, final String field)
    {
        final Matcher matcher = Pattern.compile("\"" + field + "\": (-?\\d+)").matcher(json);
        assertTrue(matcher.find(), field + " in " + json);
        return Long.parseLong(matcher.group(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--bogus",
        "--buffers 0",
        "--buffers many",
        "--seconds",
        "--consumers 0",
        "--reclamation RCU",
        "--reclamation NONE --consumers 2",
        "--payload 50",
        "--payload 8",
        "--peer hashmap" })
    void shouldRejectBadOptionsWithExitCode2(final String args)
    {
        final int exitCode = run(args.split(" "));

        assertEquals(Main.EXIT_USAGE, exitCode, this::err);
        final String[] words = args.split(" ");
        final String named = words.length > 1 && !args.contains("--consumers 2") ? words[words.length - 1] : words[0];
        assertTrue(err().contains(named), "names " + named + ": " + err());
        assertTrue(err().contains("Usage:"), err());
        assertEquals("", out());
    }

    @Test
    void shouldPrintUsageForHelp()
    {
        assertEquals(Main.EXIT_OK, run("--help"));
        assertTrue(out().contains("--reclamation"), out());
    }
}
