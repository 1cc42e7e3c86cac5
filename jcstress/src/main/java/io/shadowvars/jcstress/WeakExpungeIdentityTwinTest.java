package io.shadowvars.jcstress;

import io.shadowvars.ShadowCounters;
import io.shadowvars.ShadowStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.Map;

/**
 * Rules 7 and 11 together: expunging a collected weak parent never touches the variable of a live
 * parent with the same {@code System.identityHashCode}, and a {@code get} of that live parent
 * racing the expunge finds its own variable, intact. Two distinct objects with equal identity
 * hashes ({@link #DEAD_TWIN}, {@link #LIVE_TWIN}) carry a variable of the same id, so the two keys
 * have the same hash: the same segment, home slot and fingerprint. The dead twin's variable is
 * allocated first and sits at the home slot, the live twin's right after it; the reader passes the
 * dead twin's entry (same fingerprint, same id, same identity hash: only the identity of the
 * parent tells them apart) while the expunge unlinks it and shifts the live entry back.
 *
 * <p>Collection is simulated, as in {@link WeakExpungeDuringReadsTest}: forcing a GC per state is
 * not workable (jcstress makes millions of states), and a twin pair is found once, by a birthday
 * search, so both twins stay strongly reachable in static fields. The dead twin's weak reference
 * in the store is {@link Reference#enqueue() enqueued}, which clears it and queues it exactly as
 * the garbage collector's reference handler does, so the store sees what it would see after the
 * twin's collection. The reference is found by reflection into the store's one table.
 *
 * <p>Outcome: r1 what the reader's {@code get} on the live twin saw (1 its own data, 2 the dead
 * twin's data, 3 other bytes such as checked mode's poison, 0 nothing); r2 what the expunge freed;
 * r3 which data {@code onParentCollected} saw (bit 0 the dead twin's, bit 1 the live twin's, bit 2
 * other); r4 1 when, afterwards, the live twin's variable is still at its address with its data
 * and is the store's one live variable.
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 1", expect = Expect.ACCEPTABLE, desc = "the live twin's variable found and intact; only the dead twin's freed")
@Outcome(id = "0, .*", expect = Expect.FORBIDDEN, desc = "the get on the live twin missed during the expunge")
@Outcome(id = "2, .*", expect = Expect.FORBIDDEN, desc = "the get on the live twin returned the dead twin's data")
@Outcome(id = "3, .*", expect = Expect.FORBIDDEN, desc = "the get on the live twin returned a block with other bytes (freed, poisoned)")
@Outcome(expect = Expect.FORBIDDEN, desc = "the expunge freed the live twin's variable, or not exactly the dead twin's")
@State
public class WeakExpungeIdentityTwinTest
{
    private static final long DEAD_STAMP = 0xDEAD_DEADL;
    private static final long LIVE_STAMP = 0x11FE_11FEL;
    /** The twin whose collection is simulated; strongly reachable here, so its identity hash stays valid. */
    private static final Object DEAD_TWIN;
    /** A distinct object with the same identity hash, alive throughout. */
    private static final Object LIVE_TWIN;

    static
    {
        // Birthday search: identity hashes have 31 bits here, so about 55,000 objects give a 50%
        // chance of a pair and 100,000 about 90%; the loop goes on until one is found.
        final Map<Integer, Object> byHash = new HashMap<>();
        Object first;
        Object second;
        do
        {
            second = new Object();
            first = byHash.putIfAbsent(System.identityHashCode(second), second);
        }
        while (null == first);
        DEAD_TWIN = first;
        LIVE_TWIN = second;
    }

    /** Written by the expunger's callback, read by the arbiter. */
    private int seenByCallback;
    // One segment, 16 slots: both keys in one table, one cluster (they have the same hash).
    private final ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(8).checked(true)
        .weakObjectParents(true).onParentCollected(var -> seenByCallback |= seen(var.data().getLong(0))).build();
    private final long liveAddress;

    public WeakExpungeIdentityTwinTest()
    {
        final long dead = store.alloc(DEAD_TWIN, 1, 8);
        Fixtures.write(dead, DEAD_STAMP);
        liveAddress = store.alloc(LIVE_TWIN, 1, 8);
        if (0 != liveAddress) // 0 only if the store took the twins for one parent: r4 then shows it
        {
            Fixtures.write(liveAddress, LIVE_STAMP);
        }
        Fixtures.collect(store, DEAD_TWIN);
    }

    private static int seen(final long stamp)
    {
        return DEAD_STAMP == stamp ? 1 : LIVE_STAMP == stamp ? 2 : 4;
    }


    @Actor
    public void expunger(final IIII_Result r)
    {
        r.r2 = store.expungeCollected();
    }

    @Actor
    public void reader(final IIII_Result r)
    {
        final long address = store.get(LIVE_TWIN, 1);
        if (0 == address)
        {
            r.r1 = 0;
        }
        else
        {
            final long stamp = Fixtures.read(address);
            r.r1 = LIVE_STAMP == stamp ? 1 : DEAD_STAMP == stamp ? 2 : 3;
        }
    }

    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        r.r3 = seenByCallback;
        final long address = store.get(LIVE_TWIN, 1);
        final long live = store.readCounters(new ShadowCounters()).liveVariables();
        r.r4 = 0 != address && address == liveAddress && Fixtures.read(address) == LIVE_STAMP && 1 == live ? 1 : 0;
        store.close();
    }
}
