package io.shadowvars.demo;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded, allocation-free, multi-producer multi-consumer queue of non-negative {@code int}
 * indexes (buffer slots): the hand-off between the producer and the consumers, and back.
 *
 * <h2>Algorithm</h2>
 * Dmitry Vyukov's bounded MPMC queue. Each cell has a sequence number; a producer at position
 * {@code p} may fill cell {@code p & mask} when its sequence is {@code p}, a consumer at {@code p}
 * may take it when it is {@code p + 1}.
 *
 * <h2>Ordering</h2>
 * The producer claims a position with a CAS on the tail, writes the value plainly, then publishes
 * it with a release store of the cell's sequence ({@code p + 1}); the consumer reads the sequence
 * with an acquire load before it reads the value, so it sees the value and everything the producer
 * wrote before (the packet bytes, the expected sequence number). The consumer hands the cell back
 * with a release store of {@code p + capacity}, after its read of the value, so a producer that sees
 * that sequence (acquire) cannot overwrite a value not yet read.
 *
 * <p>A cell whose index a consumer has claimed but not yet read is not reusable, so {@link #offer(int)}
 * can refuse even when fewer than {@code capacity} indexes are queued (a consumer stalled between
 * its claim and its read). The queue is therefore sized at twice the indexes it must hold, and
 * {@link #put(int)} retries rather than ever dropping an index.
 *
 * <p>Head and tail live in one {@link AtomicLongArray}, 128 bytes apart, so that they do not share a
 * cache line (array elements are never reordered, unlike padding fields).
 */
final class IndexQueue
{
    private static final int HEAD = 7;
    private static final int TAIL = 23;
    private static final int COUNTERS = 31;

    private final int mask;
    private final AtomicLongArray sequences;
    private final int[] values;
    private final AtomicLongArray counters = new AtomicLongArray(COUNTERS);

    /**
     * An empty queue.
     *
     * @param maxIndexes the most indexes ever queued at once; the capacity is the power of two at
     *                   or above twice that.
     */
    IndexQueue(final int maxIndexes)
    {
        final int capacity = Integer.highestOneBit(Math.max(2, maxIndexes) * 4 - 1);
        mask = capacity - 1;
        sequences = new AtomicLongArray(capacity);
        values = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            sequences.set(i, i);
        }
    }

    /**
     * Add an index.
     *
     * @param index from 0.
     * @return false when the queue is full.
     */
    boolean offer(final int index)
    {
        final AtomicLongArray sequences = this.sequences;
        final int mask = this.mask;
        long position = counters.get(TAIL);
        while (true)
        {
            final int cell = (int)position & mask;
            final long sequence = sequences.getAcquire(cell);
            final long difference = sequence - position;
            if (0 == difference)
            {
                if (counters.compareAndSet(TAIL, position, position + 1))
                {
                    values[cell] = index;
                    sequences.setRelease(cell, position + 1); // publishes the value and what came before
                    return true;
                }
                position = counters.get(TAIL);
            }
            else if (difference < 0)
            {
                return false;
            }
            else
            {
                position = counters.get(TAIL);
            }
        }
    }

    /**
     * Add an index, retrying while a stalled consumer still holds the cell: never drops it.
     * Allocation-free.
     *
     * @param index from 0.
     */
    void put(final int index)
    {
        while (!offer(index))
        {
            Thread.yield();
        }
    }

    /**
     * Take the oldest index.
     *
     * @return the index, or -1 when the queue is empty.
     */
    int poll()
    {
        final AtomicLongArray sequences = this.sequences;
        final int mask = this.mask;
        long position = counters.get(HEAD);
        while (true)
        {
            final int cell = (int)position & mask;
            final long sequence = sequences.getAcquire(cell); // pairs with the release in offer
            final long difference = sequence - (position + 1);
            if (0 == difference)
            {
                if (counters.compareAndSet(HEAD, position, position + 1))
                {
                    final int index = values[cell];
                    sequences.setRelease(cell, position + mask + 1); // the cell is free once read
                    return index;
                }
                position = counters.get(HEAD);
            }
            else if (difference < 0)
            {
                return -1;
            }
            else
            {
                position = counters.get(HEAD);
            }
        }
    }
}
