package io.shadowvars;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 7: object parents are compared by identity, never share variables even when their identity
 * hash codes collide, and are kept reachable until their variables are freed.
 */
class ObjectParentTest extends NativeMemoryBaseline
{
    /** Two distinct live objects with the same identity hash code (found by the birthday bound). */
    private static Object[] identityHashTwins()
    {
        final Map<Integer, Object> byHash = new HashMap<>();
        while (true)
        {
            final Object candidate = new Object();
            final Object twin = byHash.putIfAbsent(System.identityHashCode(candidate), candidate);
            if (null != twin)
            {
                return new Object[]{twin, candidate};
            }
        }
    }

    @Test
    void shouldNeverShareVariablesBetweenObjectsWithTheSameIdentityHash()
    {
        final ShadowStore store = track(ShadowStore.create());
        final Object[] twins = identityHashTwins();
        assertEquals(System.identityHashCode(twins[0]), System.identityHashCode(twins[1]));

        final long first = store.alloc(twins[0], 7, 8);
        assertEquals(0, store.get(twins[1], 7), "the twin must not see the first object's variable");
        final long second = store.alloc(twins[1], 7, 8);
        assertNotEquals(0, second, "the twin's alloc is not a duplicate");
        assertNotEquals(first, second);
        new UnsafeBuffer(first, 8).putLong(0, 1);
        new UnsafeBuffer(second, 8).putLong(0, 2);
        assertEquals(first, store.get(twins[0], 7));
        assertEquals(second, store.get(twins[1], 7));
        assertTrue(store.free(twins[0], 7));
        assertEquals(0, store.get(twins[0], 7));
        assertEquals(second, store.get(twins[1], 7), "freeing one twin leaves the other");
        assertEquals(2, new UnsafeBuffer(second, 8).getLong(0));
    }

    @Test
    void shouldKeepParentReachableUntilItsVariablesAreFreed() throws InterruptedException
    {
        final ShadowStore store = track(ShadowStore.create());
        final WeakReference<Object> parent = allocOnUnreferencedParent(store);

        collectGarbage();
        assertNotNull(parent.get(), "the store must keep its parent objects reachable");

        freeThroughWeakReference(store, parent);
    }

    @Test
    void shouldLetParentBeCollectedOnceItsVariablesAreFreed() throws InterruptedException
    {
        final ShadowStore store = track(ShadowStore.create());
        final WeakReference<Object> parent = allocOnUnreferencedParent(store);
        freeThroughWeakReference(store, parent);
        for (int i = 0; i < 20 && null != parent.get(); i++)
        {
            collectGarbage();
        }
        assertNull(parent.get(), "the store must drop its reference when the variables are freed");
    }

    private static WeakReference<Object> allocOnUnreferencedParent(final ShadowStore store)
    {
        final Object parent = new Object();
        assertNotEquals(0, store.alloc(parent, 1, 8));
        assertNotEquals(0, store.alloc(parent, 2, 0));
        return new WeakReference<>(parent);
    }

    private static void freeThroughWeakReference(final ShadowStore store, final WeakReference<Object> parent)
    {
        final Object strong = parent.get();
        assertNotNull(strong);
        assertTrue(store.free(strong, 1));
        assertEquals(1, store.freeAll(2));
    }

    private static void collectGarbage() throws InterruptedException
    {
        System.gc();
        Thread.sleep(10);
    }
}
