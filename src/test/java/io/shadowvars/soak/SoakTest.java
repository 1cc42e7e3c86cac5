package io.shadowvars.soak;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short soak of every build: about 30 seconds ({@code -Dshadowvars.soak.seconds=N} changes it,
 * {@code -Dshadowvars.soak.threads=T} the threads) in four rounds, unchecked and checked stores
 * alternating. {@code scripts/soak.sh} runs the same soak for as long as asked.
 */
class SoakTest
{
    private static final long SECONDS = Long.getLong("shadowvars.soak.seconds", 30);
    private static final int THREADS = Integer.getInteger("shadowvars.soak.threads", 2);

    @Test
    void shouldKeepEveryResultExactAndGiveEveryByteBackUnderAShortSoak()
    {
        final SoakConfig config = SoakConfig.of(SECONDS, THREADS);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final SoakResult result;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            result = Soak.soak(config, out);
            result.print(out);
        }
        final String report = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(report); // surefire keeps it in the test's output file

        assertEquals(0, result.log.mismatches(), report);
        assertEquals(0, result.log.failures(), report);
        assertEquals(config.rounds(), result.rounds.size(), report);
        assertEquals(result.nativeBefore, result.nativeAfter, "native memory after the soak\n" + report);
        assertTrue(result.heapFlat(), "heap after GC grew\n" + report);
        assertEquals(result.duplicatesCounted, result.duplicateWarnings, "one warning per duplicate alloc\n" + report);
        assertTrue(result.rounds.stream().anyMatch(round -> round.checked), "a checked round ran\n" + report);
        assertTrue(result.rounds.stream().anyMatch(round -> !round.checked), "an unchecked round ran\n" + report);
        for (final SoakResult.Round round : result.rounds)
        {
            assertTrue(round.sharedVariables > 0, "round " + round.number + " raced on shared parents\n" + report);
        }
        // Not vacuous: every call was made and every provoked outcome happened.
        for (final Counter counter : Counter.values())
        {
            assertTrue(result.count(counter) > 0, counter + " never happened\n" + report);
        }
        assertTrue(result.ok(), report);
    }

    @Test
    void shouldRejectBadOptionsWithExitCode2NamingThem()
    {
        final String[][] bad = {
            {"--threads", "0"},
            {"--threads", "65"},
            {"--minutes", "many"},
            {"--minutes"},
            {"--seconds", "-5"},
            {"--round-seconds", "0"},
            {"--seed", "0x12"},
            {"--bogus"}};
        for (final String[] args : bad)
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final int exit = Soak.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
            final String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(Soak.EXIT_USAGE, exit, String.join(" ", args) + ": " + message);
            assertTrue(message.contains(args[args.length - 1]), "names " + args[args.length - 1] + ": " + message);
            assertTrue(message.contains("Usage:"), message);
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldCutTheRunIntoRoundsOfAtMostAMinuteAlternatingCheckedStores()
    {
        final SoakConfig tenMinutes = SoakConfig.of(600, 2);
        assertEquals(10, tenMinutes.rounds());
        assertEquals(60_000, tenMinutes.roundMillis());
        final SoakConfig short30 = SoakConfig.of(30, 2);
        assertEquals(4, short30.rounds());
        assertTrue(!short30.checked(0) && short30.checked(1) && !short30.checked(2) && short30.checked(3));
        assertEquals(8, SoakConfig.alignment(0));
        assertEquals(64, SoakConfig.alignment(2));
    }
}
