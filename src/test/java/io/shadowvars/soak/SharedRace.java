package io.shadowvars.soak;

import io.shadowvars.ShadowCtor;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Parents every thread races {@code getOrAlloc} on, with a counting ctor, in one shared store.
 *
 * <p>Threads work near a moving frontier of fresh keys (even indices are long parents, odd ones
 * objects), so several of them often ask for the same absent variable at once. Each records the
 * address it got; all must agree. Nothing frees these variables during the round, so their data
 * may be read at any time. At the end the ctor count must equal the number of distinct variables,
 * and {@code freeAll} of the shared id must free exactly that many.
 */
final class SharedRace
{
    /** The id of every shared variable; no thread uses it for its own. */
    static final long ID = 0x5EED_0000_0000L;
    /** Size of a shared variable. */
    static final int SIZE = 16;
    /** Marks the data a ctor wrote: the first long is {@code MAGIC ^ index}. */
    static final long MAGIC = 0x0DDB_A11C_0FFE_E000L;

    private static final long LONG_BASE = 0x7E00_0000_0000L;

    final int capacity;
    final AtomicLong frontier = new AtomicLong();
    final AtomicLongArray addresses;
    final AtomicLong ctorRuns = new AtomicLong();
    private Object[] objects;

    /** The counting ctor: zeroed data expected, then it marks the data with the key's index. */
    static final ShadowCtor<RaceData> CTOR = (var, data) ->
    {
        final long run = data.race.ctorRuns.incrementAndGet();
        data.ran = true;
        data.zeroed = DataPattern.firstNonZero(var.data()) < 0;
        var.data().putLong(0, MAGIC ^ data.index);
        var.data().putLong(8, run);
        return 0;
    };

    /** Reusable ctor data of one thread. */
    static final class RaceData
    {
        SharedRace race;
        int index;
        boolean ran;
        boolean zeroed;
    }

    SharedRace(final int capacity)
    {
        this.capacity = capacity;
        this.addresses = new AtomicLongArray(capacity);
        this.objects = new Object[capacity];
        for (int i = 1; i < capacity; i += 2)
        {
            objects[i] = new Object();
        }
    }

    static boolean isObject(final int index)
    {
        return (index & 1) != 0;
    }

    static long parent(final int index)
    {
        return LONG_BASE + index * 64L;
    }

    /**
     * The long parent's index, or -1 when it is not a shared parent.
     *
     * @param parent a long parent.
     * @return the index, or -1.
     */
    static int indexOf(final long parent)
    {
        final long offset = parent - LONG_BASE;
        return offset >= 0 && offset % 64 == 0 && offset / 64 < Integer.MAX_VALUE ? (int)(offset / 64) : -1;
    }

    Object object(final int index)
    {
        return objects[index];
    }

    /**
     * Forget the shared objects, so the collector can show the store no longer holds them.
     *
     * @return the objects, for the caller to watch.
     */
    Object[] drop()
    {
        final Object[] dropped = objects;
        objects = null;
        return dropped;
    }

    /**
     * How many distinct shared variables some thread got.
     *
     * @return the count.
     */
    int distinct()
    {
        int count = 0;
        for (int i = 0; i < capacity; i++)
        {
            if (0 != addresses.get(i))
            {
                count++;
            }
        }
        return count;
    }
}
