package io.shadowvars;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A port of the kernel's lib/livepatch/test_klp_shadow_vars.c: three parents, ids 0x1234 and
 * 0x1235, a ctor that copies its ctor data, get_or_alloc on an existing variable not running the
 * ctor, free with a dtor, free_all. Run for long and object parents.
 */
class KernelSelftestTest
{
    private static final long SV_ID1 = 0x1234;
    private static final long SV_ID2 = 0x1235;

    private ShadowStore store;

    @AfterEach
    void closeStore()
    {
        if (store != null)
        {
            store.close();
        }
    }

    /** The ctor data: a pointer-sized value, as the kernel passes {@code &var1} etc. */
    static final class Holder
    {
        final long value;

        Holder(final long value)
        {
            this.value = value;
        }
    }

    @ParameterizedTest
    @EnumSource(ParentKind.class)
    void shouldBehaveAsTheKernelSelftest(final ParentKind kind)
    {
        store = ShadowStore.builder().checked(true).build();
        final List<Long> ctorCalls = new ArrayList<>();
        final List<Long> dtorCalls = new ArrayList<>();
        final ShadowCtor<Holder> ctor = (var, data) ->
        {
            var.data().putLong(0, data.value);
            ctorCalls.add(data.value);
            return 0;
        };
        final ShadowDtor dtor = var -> dtorCalls.add(var.data().getLong(0));

        final Object[] parents = kind.parents(3);
        final Holder var1 = new Holder(0x1111), var2 = new Holder(0x2222), var3 = new Holder(0x3333);
        final Holder var4 = new Holder(0x4444), var5 = new Holder(0x5555);

        // With no shadow variables allocated, get shouldn't find any.
        assertEquals(0, kind.get(store, parents[0], SV_ID1));

        // Allocate a few shadow variables with different <obj> and <id>.
        final long sv1 = kind.alloc(store, parents[0], SV_ID1, 8, ctor, var1);
        final long sv2 = kind.alloc(store, parents[1], SV_ID1, 8, ctor, var2);
        final long sv3 = kind.alloc(store, parents[0], SV_ID2, 8, ctor, var3);
        assertNotEquals(0, sv1);
        assertNotEquals(0, sv2);
        assertNotEquals(0, sv3);
        assertEquals(List.of(0x1111L, 0x2222L, 0x3333L), ctorCalls);

        // Verify we can find our new shadow variables and that they point to expected data.
        assertEquals(sv1, kind.get(store, parents[0], SV_ID1));
        assertEquals(0x1111L, new UnsafeBuffer(sv1, 8).getLong(0));
        assertEquals(sv2, kind.get(store, parents[1], SV_ID1));
        assertEquals(0x2222L, new UnsafeBuffer(sv2, 8).getLong(0));
        assertEquals(sv3, kind.get(store, parents[0], SV_ID2));
        assertEquals(0x3333L, new UnsafeBuffer(sv3, 8).getLong(0));

        // Allocate or get a few more, this time with the same <obj, id>. The second call must
        // return the already-allocated variable and not run the ctor.
        final long sv4 = kind.getOrAlloc(store, parents[2], SV_ID1, 8, ctor, var4);
        assertNotEquals(0, sv4);
        final long again = kind.getOrAlloc(store, parents[2], SV_ID1, 8, ctor, var5);
        assertEquals(sv4, again);
        assertEquals(List.of(0x1111L, 0x2222L, 0x3333L, 0x4444L), ctorCalls);
        assertEquals(0x4444L, new UnsafeBuffer(sv4, 8).getLong(0));

        // Free <objs[*], id1> variables one by one and verify that they are gone.
        assertTrue(kind.free(store, parents[0], SV_ID1, dtor));
        assertEquals(0, kind.get(store, parents[0], SV_ID1));
        assertTrue(kind.free(store, parents[1], SV_ID1, dtor));
        assertEquals(0, kind.get(store, parents[1], SV_ID1));
        assertTrue(kind.free(store, parents[2], SV_ID1, dtor));
        assertEquals(0, kind.get(store, parents[2], SV_ID1));
        assertEquals(List.of(0x1111L, 0x2222L, 0x4444L), dtorCalls);

        // We should still find an <id2> variable.
        assertEquals(sv3, kind.get(store, parents[0], SV_ID2));

        // Free all the <id2> variables, too.
        assertEquals(1, store.freeAll(SV_ID2, dtor));
        assertEquals(0, kind.get(store, parents[0], SV_ID2));
        assertEquals(List.of(0x1111L, 0x2222L, 0x4444L, 0x3333L), dtorCalls);

        assertFalse(kind.free(store, parents[0], SV_ID2, dtor));
        assertEquals(0, store.stats().liveVariables());
        assertEquals(0, store.stats().liveBytes());
    }
}
