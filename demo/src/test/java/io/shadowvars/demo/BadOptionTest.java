package io.shadowvars.demo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad value of every demo option (docs/RELIABILITY.md lists them): exit code 2 before
 * anything runs, a message naming the option and the value, the usage text, nothing on stdout.
 */
class BadOptionTest
{
    static Stream<Arguments> badOptions()
    {
        return Stream.of(
            // args, then the words the message must contain
            row(new String[]{"--bogus"}, "unknown option", "--bogus"),
            row(new String[]{"-x"}, "unknown option", "-x"),
            row(new String[]{"buffers"}, "unknown option", "buffers"),
            row(new String[]{"--buffers"}, "--buffers", "needs a value"),
            row(new String[]{"--buffers", "0"}, "--buffers", ": 0"),
            row(new String[]{"--buffers", "-1"}, "--buffers", "-1"),
            row(new String[]{"--buffers", "1048577"}, "--buffers", "1048577"),
            row(new String[]{"--buffers", "many"}, "--buffers", "many"),
            row(new String[]{"--buffers", "99999999999"}, "--buffers", "99999999999"),
            row(new String[]{"--buffers", ""}, "--buffers", "whole number"),
            row(new String[]{"--seconds"}, "--seconds", "needs a value"),
            row(new String[]{"--seconds", "0"}, "--seconds", ": 0"),
            row(new String[]{"--seconds", "86401"}, "--seconds", "86401"),
            row(new String[]{"--seconds", "1.5"}, "--seconds", "1.5"),
            row(new String[]{"--consumers"}, "--consumers", "needs a value"),
            row(new String[]{"--consumers", "0"}, "--consumers", ": 0"),
            row(new String[]{"--consumers", "65"}, "--consumers", "65"),
            row(new String[]{"--consumers", "two"}, "--consumers", "two"),
            row(new String[]{"--reclamation"}, "--reclamation", "needs a value"),
            row(new String[]{"--reclamation", "RCU"}, "--reclamation", "RCU"),
            row(new String[]{"--reclamation", ""}, "--reclamation", "EPOCH, QSBR or NONE"),
            row(new String[]{"--reclamation", "NONE", "--consumers", "2"}, "--reclamation NONE", "--consumers 1", "2"),
            row(new String[]{"--consumers", "3", "--reclamation", "none"}, "--reclamation NONE", "3"),
            row(new String[]{"--payload"}, "--payload", "needs a value"),
            row(new String[]{"--payload", "40"}, "--payload", "40"),
            row(new String[]{"--payload", "50"}, "--payload", "multiple of 8", "50"),
            row(new String[]{"--payload", "65544"}, "--payload", "65544"),
            row(new String[]{"--payload", "big"}, "--payload", "big"),
            row(new String[]{"--peer"}, "--peer", "needs a value"),
            row(new String[]{"--peer", "hashmap"}, "--peer", "hashmap"),
            row(new String[]{"--peer", ""}, "--peer", "must be chm"),
            row(new String[]{"--idle"}, "--idle", "needs a value"),
            row(new String[]{"--idle", "spin"}, "--idle", "backoff or park", "spin"),
            row(new String[]{"--json"}, "--json", "needs a value"),
            row(new String[]{"--json", ""}, "--json", "file name"),
            row(new String[]{"--initial-capacity"}, "--initial-capacity", "needs a value"),
            row(new String[]{"--initial-capacity", "0"}, "--initial-capacity", ": 0"),
            row(new String[]{"--initial-capacity", "536870913"}, "--initial-capacity", "536870913"),
            row(new String[]{"--initial-capacity", "lots"}, "--initial-capacity", "whole number", "lots"),
            row(new String[]{"--peer", "chm", "--initial-capacity", "16"}, "--initial-capacity", "--peer chm", "16"),
            row(new String[]{"--counters-file"}, "--counters-file", "needs a value"),
            row(new String[]{"--counters-file", ""}, "--counters-file", "file name"),
            row(new String[]{"--counters-file", "."}, "--counters-file", "exists already", "."),
            row(new String[]{"--counters-file", "\0"}, "--counters-file", "not a valid file name"),
            row(new String[]{"--counters-file", "c.dat", "--peer", "chm"}, "--counters-file", "--peer chm", "c.dat"),
            row(new String[]{"--read-counters"}, "--read-counters", "needs a value"),
            row(new String[]{"--read-counters", ""}, "--read-counters", "file name"),
            row(new String[]{"--read-counters", "c.dat", "--seconds", "3"}, "--read-counters", "no other option",
                "--seconds"),
            row(new String[]{"--checked", "--read-counters", "c.dat"}, "--read-counters", "no other option", "--checked"),
            row(new String[]{"--json", "/nonexistent/dir/out.json"}, "--json", "does not exist",
                "/nonexistent/dir/out.json"),
            row(new String[]{"--json", System.getProperty("java.io.tmpdir")}, "--json", "directory",
                System.getProperty("java.io.tmpdir")),
            row(new String[]{"--peer", "chm", "--checked"}, "--checked", "--peer chm"),
            row(new String[]{"--checked", "--peer", "chm"}, "--checked", "--peer chm"),
            row(new String[]{"--peer", "chm", "--reclamation", "QSBR"}, "--reclamation QSBR", "--peer chm"),
            row(new String[]{"--reclamation", "epoch", "--peer", "chm"}, "--reclamation EPOCH", "--peer chm"),
            row(new String[]{"--help", "--bogus"}, "unknown option", "--bogus"));
    }

    private static Arguments row(final String[] args, final String... words)
    {
        return Arguments.of(String.join(" ", args), args, words);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void shouldRejectBadOptionWithExitCode2NamingIt(final String line, final String[] args, final String[] words)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final long start = System.nanoTime();

        final int exitCode = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

        final String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(Main.EXIT_USAGE, exitCode, line + ": " + message);
        final String first = message.lines().findFirst().orElse("");
        for (final String word : words)
        {
            assertTrue(first.contains(word), line + ": the message should name '" + word + "': " + first);
        }
        assertTrue(message.contains("Usage:"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8), line + ": nothing ran");
        assertTrue(System.nanoTime() - start < 1_000_000_000L, line + ": rejected before anything runs");
    }
}
