package io.shadowvars;

import net.openhft.chronicle.core.OS;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 13: close() never unmaps memory under a reader. It refuses to run inside the caller's own
 * section, waits for another thread's section, and past its bound leaks rather than unmaps.
 */
class CloseTest
{
    private static final long PARENT = 0x20_0000L;
    private static final long PATTERN = 0x0DDBA11CAFEL;

    @Test
    void shouldRefuseToCloseFromInsideTheCallersOwnSectionAndStayUsable()
    {
        final long nativeBefore = OS.memory().nativeMemoryUsed();
        final ShadowStore store = ShadowStore.create();
        final ShadowReader reader = store.reader();
        final long address = store.alloc(PARENT, 1, 8);
        reader.enter();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, store::close);
        assertTrue(ex.getMessage().contains("inside a read section"), ex.getMessage());
        assertEquals(address, store.get(PARENT, 1), "the store was not closed");
        reader.exit();
        reader.close();
        store.close();
        assertEquals(nativeBefore, OS.memory().nativeMemoryUsed());
    }

    @Test
    void shouldWaitForAnotherThreadsSectionBeforeUnmapping() throws Exception
    {
        final long nativeBefore = OS.memory().nativeMemoryUsed();
        final ShadowStore store = ShadowStore.create();
        final long address = store.alloc(PARENT, 1, 8);
        new UnsafeBuffer(address, 8).putLong(0, PATTERN);
        final CountDownLatch inSection = new CountDownLatch(1);
        final CountDownLatch closeStarted = new CountDownLatch(1);
        final AtomicLong seenAfterClose = new AtomicLong();
        final AtomicLong exitedAt = new AtomicLong();
        final Thread readerThread = new Thread(() ->
        {
            final ShadowReader reader = store.reader();
            reader.enter();
            final long found = store.get(PARENT, 1);
            inSection.countDown();
            try
            {
                closeStarted.await();
                Thread.sleep(200); // close() is waiting now
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            seenAfterClose.set(new UnsafeBuffer(found, 8).getLong(0));
            exitedAt.set(System.nanoTime());
            reader.exit();
        }, "reader-in-section");
        readerThread.start();
        assertTrue(inSection.await(10, TimeUnit.SECONDS));
        closeStarted.countDown();
        store.close();
        final long closedAt = System.nanoTime();
        readerThread.join();
        assertEquals(PATTERN, seenAfterClose.get(), "data stayed mapped and intact while the section ran");
        assertNotEquals(0, exitedAt.get());
        assertTrue(closedAt - exitedAt.get() >= 0, "close() returned before the reader left its section");
        assertThrows(IllegalStateException.class, () -> store.get(PARENT, 1));
        assertEquals(nativeBefore, OS.memory().nativeMemoryUsed(), "close() gave the memory back after the wait");
    }

    @Test
    void shouldLeakRatherThanUnmapWhenASectionOutlastsTheBound() throws Exception
    {
        final ShadowStore store = ShadowStore.create();
        final long address = store.alloc(PARENT, 1, 8);
        new UnsafeBuffer(address, 8).putLong(0, PATTERN);
        final CountDownLatch inSection = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicLong seenAfterClose = new AtomicLong();
        final Thread readerThread = new Thread(() ->
        {
            final ShadowReader reader = store.reader();
            reader.enter();
            final long found = store.get(PARENT, 1);
            inSection.countDown();
            try
            {
                closed.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            seenAfterClose.set(new UnsafeBuffer(found, 8).getLong(0));
            reader.exit();
        }, "reader-stuck");
        readerThread.start();
        assertTrue(inSection.await(10, TimeUnit.SECONDS));
        final List<String> warnings = new ArrayList<>();
        final Logger logger = Logger.getLogger("io.shadowvars");
        final Handler handler = new Handler()
        {
            @Override
            public void publish(final LogRecord record)
            {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        logger.addHandler(handler);
        final long start = System.nanoTime();
        try
        {
            store.close();
        }
        finally
        {
            logger.removeHandler(handler);
        }
        final long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        closed.countDown();
        readerThread.join();
        assertTrue(waitedMillis >= ShadowStore.CLOSE_WAIT_MILLIS, "waited " + waitedMillis + " ms");
        assertEquals(PATTERN, seenAfterClose.get(), "memory was unmapped or reused under the reader");
        assertTrue(warnings.stream().anyMatch(m -> m.contains("reader-stuck") && m.contains("leaked")),
            warnings.toString());
        assertThrows(IllegalStateException.class, store::stats);
        store.close(); // idempotent
    }
}
