package io.shadowvars;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slow paths show up in a JFR recording: a table segment growing, a new slab, reclamation
 * held back by a reader, a destructor that threw.
 */
class FlightRecorderEventsTest extends NativeMemoryBaseline
{
    private static final long PARENT = 0x30_0000L;

    @Test
    void shouldRecordGrowthSlabsStallsAndFailedDestructors() throws Exception
    {
        final Path file = Files.createTempFile("shadowvars", ".jfr");
        try (Recording recording = new Recording())
        {
            recording.enable("io.shadowvars.TableGrowth");
            recording.enable("io.shadowvars.NewSlab");
            recording.enable("io.shadowvars.ReclamationStalled");
            recording.enable("io.shadowvars.DestructorFailed");
            recording.start();

            final ShadowStore store = track(ShadowStore.builder().segments(1).initialCapacity(16).build());
            for (int i = 1; i <= 100; i++)
            {
                store.alloc(PARENT + 64L * i, 1, 16);
            }
            assertThrows(IllegalStateException.class,
                () -> store.free(PARENT + 64, 1, var -> { throw new IllegalStateException("dtor " + var.id()); }));

            final ShadowReader reader = store.reader();
            reader.enter();
            for (int i = 2; i <= 40; i++)
            {
                store.free(PARENT + 64L * i, 1);
            }
            // The advances are made explicit rather than left to the retire list's cadence: stats()
            // advances once, past the reader's epoch, and its second attempt fails at once (no event).
            store.stats();
            Thread.sleep(20);
            for (int i = 41; i <= 100; i++)
            {
                store.free(PARENT + 64L * i, 1);
            }
            store.stats(); // this attempt finds the reader holding the epoch back for over 10 ms
            reader.exit();
            reader.close();

            recording.stop();
            recording.dump(file);
        }
        final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        final List<String> names = events.stream().map(e -> e.getEventType().getName()).collect(Collectors.toList());
        assertTrue(names.contains("io.shadowvars.TableGrowth"), names.toString());
        assertTrue(names.contains("io.shadowvars.NewSlab"), names.toString());
        assertTrue(names.contains("io.shadowvars.ReclamationStalled"), names.toString());
        final RecordedEvent failed = events.stream()
            .filter(e -> e.getEventType().getName().equals("io.shadowvars.DestructorFailed")).findFirst().orElseThrow();
        assertEquals(1L, failed.getLong("id"));
        assertEquals("dtor 1", failed.getString("message"));
        final RecordedEvent stall = events.stream()
            .filter(e -> e.getEventType().getName().equals("io.shadowvars.ReclamationStalled")).findFirst().orElseThrow();
        assertEquals(Thread.currentThread().getName(), stall.getString("readerThread"));
        assertTrue(stall.getLong("stalledNanos") >= 10_000_000L);
    }
}
