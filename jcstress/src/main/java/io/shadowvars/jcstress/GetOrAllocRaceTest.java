package io.shadowvars.jcstress;

import io.shadowvars.ShadowCtor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static io.shadowvars.jcstress.Fixtures.EPOCH;

/**
 * Guarantee 1: two threads race {@code getOrAlloc} on one absent {@code <parent, id>}. Exactly
 * one constructor runs, and both get the same address.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "one ctor ran; both racers got the same address")
@Outcome(id = "0, .*", expect = Expect.FORBIDDEN, desc = "the racers got different addresses (or 0)")
@Outcome(id = ".*, 0", expect = Expect.FORBIDDEN, desc = "no ctor ran")
@Outcome(id = ".*, [2-9]", expect = Expect.FORBIDDEN, desc = "the ctor ran more than once")
@State
public class GetOrAllocRaceTest
{
    private static final ShadowCtor<AtomicInteger> COUNT = (var, runs) ->
    {
        runs.incrementAndGet();
        var.data().putLong(0, var.parent());
        return 0;
    };

    private final long parent = Fixtures.uniqueParent();
    private final AtomicInteger runs = new AtomicInteger();
    private long first;
    private long second;

    @Actor
    public void first()
    {
        first = EPOCH.getOrAlloc(parent, 1, 16, COUNT, runs);
    }

    @Actor
    public void second()
    {
        second = EPOCH.getOrAlloc(parent, 1, 16, COUNT, runs);
    }

    @Arbiter
    public void arbiter(final II_Result r)
    {
        r.r1 = first != 0 && first == second ? 1 : 0;
        r.r2 = runs.get();
        EPOCH.free(parent, 1);
    }
}
