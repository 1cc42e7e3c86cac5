package io.shadowvars.jcstress;

import io.shadowvars.ShadowStore;
import io.shadowvars.internal.table.ShadowTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import java.lang.ref.Reference;

/**
 * Rule 11: expunging a collected weak parent unlinks its variables with the same seqlock-protected
 * backward shift as {@code free}, so a {@code get} of a live parent in the same segment never
 * misses. Two dead parents' variables and then the live one's share one home slot (one cluster,
 * in that order): the expunge shifts the live entry back by two slots while the reader looks it up.
 *
 * <p>Collection is simulated, not waited for (jcstress makes millions of states): the dead
 * parents' weak references are {@link Reference#enqueue() enqueued}, which clears them and queues
 * them exactly as the garbage collector's reference handler does, so the store sees what it would
 * see after a collection. The references are found by reflection into the store's one table.
 */
@JCStressTest
@Outcome(id = "1, 2", expect = Expect.ACCEPTABLE, desc = "the live parent's variable found, intact, while both dead ones were expunged")
@Outcome(id = "0, .*", expect = Expect.FORBIDDEN, desc = "the live parent's get missed (or read another variable) during the expunge")
@Outcome(expect = Expect.FORBIDDEN, desc = "the expunge did not free exactly the two collected variables")
@State
public class WeakExpungeDuringReadsTest
{
    private static final int CAPACITY = 16;
    private static final long STAMP = 0x11FE_11FEL;

    // One segment, 16 slots: the three keys share one table and one cluster.
    private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(8)
        .weakObjectParents(true).onParentCollected(var -> { }).build();
    private final Object live = new Object();

    public WeakExpungeDuringReadsTest()
    {
        final int home = home(live);
        final Object firstDead = sameHome(home);
        final Object secondDead = sameHome(home);
        store.alloc(firstDead, 1, 8);
        store.alloc(secondDead, 1, 8);
        Fixtures.write(store.alloc(live, 1, 8), STAMP);
        Fixtures.collect(store, firstDead);
        Fixtures.collect(store, secondDead);
    }

    private static int home(final Object parent)
    {
        return (int)ShadowTable.hashObject(parent, 1) & (CAPACITY - 1);
    }

    private static Object sameHome(final int home)
    {
        while (true)
        {
            final Object candidate = new Object();
            if (home(candidate) == home)
            {
                return candidate;
            }
        }
    }


    @Actor
    public void expunger(final JJ_Result r)
    {
        r.r2 = store.expungeCollected();
    }

    @Actor
    public void reader(final JJ_Result r)
    {
        final long address = store.get(live, 1);
        r.r1 = 0 != address && Fixtures.read(address) == STAMP ? 1 : 0;
    }

    @Arbiter
    public void arbiter()
    {
        store.close();
    }
}
