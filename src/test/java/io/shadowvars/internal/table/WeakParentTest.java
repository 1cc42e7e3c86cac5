package io.shadowvars.internal.table;

import org.junit.jupiter.api.Test;

import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A weak parent's record of its variables' headers (the first inline, the rest in an array made
 * for the second), against a list, under random adds and removes in every order.
 */
class WeakParentTest
{
    @Test
    void shouldKeepExactlyTheHeadersAddedAndNotRemoved()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final Object parent = new Object();
        final WeakParent weak = new WeakParent(parent, new ReferenceQueue<>(), null, System.identityHashCode(parent));
        final List<Long> model = new ArrayList<>();
        long next = 0x1000;
        for (int step = 0; step < 20_000; step++)
        {
            final String what = "seed " + seed + ", step " + step;
            if (model.isEmpty() || (model.size() < 12 && random.nextBoolean()))
            {
                weak.add(next);
                model.add(next);
                next += 64;
            }
            else
            {
                final long header = model.remove(random.nextInt(model.size()));
                assertEquals(model.size(), weak.remove(header), what);
            }
            final long[] expected = model.stream().mapToLong(Long::longValue).sorted().toArray();
            final long[] actual = weak.headers();
            Arrays.sort(actual);
            assertArrayEquals(expected, actual, what);
        }
    }

    @Test
    void shouldRefuseToRemoveAHeaderItNeverHadNamingIt()
    {
        final Object parent = new Object();
        final WeakParent weak = new WeakParent(parent, new ReferenceQueue<>(), null, System.identityHashCode(parent));
        final IllegalStateException empty = assertThrows(IllegalStateException.class, () -> weak.remove(0x40));
        assertEquals(true, empty.getMessage().contains("0x40"), empty.getMessage());
        weak.add(0x80);
        weak.add(0xC0);
        final IllegalStateException other = assertThrows(IllegalStateException.class, () -> weak.remove(0x100));
        assertEquals(true, other.getMessage().contains("0x100"), other.getMessage());
        assertEquals(1, weak.remove(0x80));
        assertArrayEquals(new long[] {0xC0}, weak.headers());
        assertEquals(0, weak.remove(0xC0));
        assertArrayEquals(new long[0], weak.headers());
    }
}
