package io.shadowvars.jmh;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipe benchmark's ring: FIFO order, the full and empty edges across wrap-around, and one
 * producer handing half a million values to one consumer thread without loss, duplication or
 * reordering.
 */
class LongSpscRingTest
{
    @Test
    void fifoUpToCapacityAcrossWrapAround()
    {
        final LongSpscRing ring = new LongSpscRing(4);
        assertEquals(4, ring.capacity());
        assertTrue(ring.isEmpty());
        assertEquals(LongSpscRing.EMPTY, ring.poll());

        long next = 1;
        long expected = 1;
        for (int round = 0; round < 10; round++)
        {
            while (ring.hasRoom())
            {
                assertTrue(ring.offer(next++));
            }
            assertEquals(4, ring.size());
            assertFalse(ring.offer(next), "full");
            // Take three, so the next round's offers wrap around the array.
            for (int i = 0; i < 3; i++)
            {
                assertEquals(expected++, ring.poll());
            }
            assertEquals(1, ring.size());
            assertFalse(ring.isEmpty());
        }
        while (!ring.isEmpty())
        {
            assertEquals(expected++, ring.poll());
        }
        assertEquals(next, expected);
        assertEquals(0, ring.size());
        assertEquals(LongSpscRing.EMPTY, ring.poll());
    }

    @Test
    void rejectsZeroAndBadCapacities()
    {
        final LongSpscRing ring = new LongSpscRing(2);
        assertThrows(IllegalArgumentException.class, () -> ring.offer(0));
        assertTrue(ring.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new LongSpscRing(1));
        assertThrows(IllegalArgumentException.class, () -> new LongSpscRing(6));
        assertThrows(IllegalArgumentException.class, () -> new LongSpscRing(0));
    }

    @Test
    void oneProducerOneConsumerLoseNothing() throws InterruptedException
    {
        // A small ring, so the two sides meet it full and empty often; waits yield, so that the
        // test stays quick on a machine with fewer free cores than threads.
        final int count = 500_000;
        final LongSpscRing ring = new LongSpscRing(16);
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread consumer = new Thread(() ->
        {
            long expected = 1;
            while (expected <= count)
            {
                final long value = ring.poll();
                if (LongSpscRing.EMPTY == value)
                {
                    Thread.yield();
                    continue;
                }
                if (value != expected)
                {
                    failure.set("got " + value + ", expected " + expected);
                    return;
                }
                expected++;
            }
        });
        consumer.start();
        for (long value = 1; value <= count; value++)
        {
            while (!ring.offer(value))
            {
                if (!consumer.isAlive())
                {
                    break;
                }
                Thread.yield();
            }
        }
        consumer.join(60_000);
        assertFalse(consumer.isAlive(), "consumer finished");
        assertNull(failure.get());
        assertTrue(ring.isEmpty());
    }
}
