package io.shadowvars.demo;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-off queues must never lose or duplicate a slot, even when a consumer stalls between
 * claiming a cell and reading it (the pipeline's pool has exactly as many slots as it queues).
 */
class IndexQueueTest
{
    @Test
    void shouldKeepEverySlotWhenSlotsCirculateBetweenThreads() throws InterruptedException
    {
        final int slots = 64;
        final IndexQueue free = new IndexQueue(slots);
        final IndexQueue work = new IndexQueue(slots);
        for (int i = 0; i < slots; i++)
        {
            free.put(i);
        }
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong moved = new AtomicLong();
        final Thread producer = new Thread(() ->
        {
            while (running.get())
            {
                final int slot = free.poll();
                if (slot >= 0)
                {
                    work.put(slot);
                }
            }
        });
        final Thread[] consumers = new Thread[2];
        for (int c = 0; c < consumers.length; c++)
        {
            consumers[c] = new Thread(() ->
            {
                while (running.get())
                {
                    final int slot = work.poll();
                    if (slot >= 0)
                    {
                        moved.incrementAndGet();
                        free.put(slot);
                    }
                }
            });
        }
        producer.start();
        for (final Thread consumer : consumers)
        {
            consumer.start();
        }
        TimeUnit.MILLISECONDS.sleep(500);
        running.set(false);
        producer.join();
        for (final Thread consumer : consumers)
        {
            consumer.join();
        }

        final boolean[] seen = new boolean[slots];
        int count = 0;
        for (final IndexQueue queue : new IndexQueue[]{ free, work })
        {
            for (int slot = queue.poll(); slot >= 0; slot = queue.poll())
            {
                assertEquals(false, seen[slot], "slot " + slot + " twice");
                seen[slot] = true;
                count++;
            }
        }
        assertEquals(slots, count, "slots after " + moved.get() + " hand-offs");
    }
}
