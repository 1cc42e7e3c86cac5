package io.shadowvars.demo;

import io.shadowvars.RegisteredCounters;
import io.shadowvars.ShadowCounters;
import io.shadowvars.ShadowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A counters file: a store registers its counters in it, and {@link CountersFile#print} (what
 * {@code --read-counters} runs) reads them back through its own mapping of the file.
 */
class CountersFileTest
{
    private static final long PARENT = 0x10_0000L;

    @Test
    void shouldPrintExactlyWhatTheStoreCounted(@TempDir final Path dir) throws IOException
    {
        final Path path = dir.resolve("counters.dat");
        try (CountersFile file = CountersFile.create(path); ShadowStore store = ShadowStore.create())
        {
            final RegisteredCounters counters = store.registerCounters(file.manager(), "test");
            for (int i = 1; i <= 50; i++)
            {
                store.alloc(PARENT + 64L * i, 1, 16);
            }
            store.alloc(PARENT + 64, 1, 16); // duplicate
            store.free(PARENT + 128, 1);
            counters.update();
            final ShadowCounters expected = store.readCounters(new ShadowCounters());

            final List<String> lines = print(path);
            assertEquals(List.of(
                line(0, 49, "test: live variables"),
                line(1, 49 * 16, "test: live bytes"),
                line(2, expected.reservedBytes(), "test: reserved bytes"),
                line(3, expected.pendingFreeBytes(), "test: pending-free bytes"),
                line(4, 1, "test: duplicate allocs"),
                line(5, 0, "test: failed allocs")), lines);

            counters.close();
            assertEquals(List.of(), print(path), "freed counters are not listed");
        }
        assertFalse(Files.exists(path), "deleted when closed");
    }

    @Test
    void shouldRefuseAnExistingFileAndWhatIsNotACountersFile(@TempDir final Path dir) throws IOException
    {
        final Path existing = Files.writeString(dir.resolve("notes.txt"), "not counters");
        assertThrows(IOException.class, () -> CountersFile.create(existing));
        assertEquals("not counters", Files.readString(existing), "left untouched");
        final IOException notCounters = assertThrows(IOException.class, () -> print(existing));
        assertTrue(notCounters.getMessage().startsWith("not a counters file (12 bytes"), notCounters.getMessage());
        final IOException missing = assertThrows(IOException.class, () -> print(dir.resolve("missing.dat")));
        assertTrue(missing.getMessage().startsWith("no such file: "), missing.getMessage());
    }

    private static String line(final int id, final long value, final String label)
    {
        return String.format(Locale.ROOT, "%3d: %,20d - %s", id, value, label);
    }

    private static List<String> print(final Path path) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            final int printed = CountersFile.print(path, out);
            final List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
            assertEquals(printed, lines.size());
            return lines;
        }
    }
}
