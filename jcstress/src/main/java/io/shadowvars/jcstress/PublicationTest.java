package io.shadowvars.jcstress;

import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowReader;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static io.shadowvars.jcstress.Fixtures.EPOCH;

/**
 * Guarantee 2: a reader that finds a variable sees its zeroing and all its constructor's writes.
 * Blocks are reused (the arbiter dirties the data before freeing), so a missing zeroing shows.
 */
@JCStressTest
@Outcome(id = "-1, -1", expect = Expect.ACCEPTABLE, desc = "not visible yet")
@Outcome(id = "42, 0", expect = Expect.ACCEPTABLE, desc = "visible: the ctor's write and zeroed data")
@Outcome(expect = Expect.FORBIDDEN, desc = "visible without the ctor's write or the zeroing")
@State
public class PublicationTest
{
    private static final ShadowCtor<Object> WRITE_42 = (var, data) ->
    {
        var.data().putLong(0, 42);
        return 0;
    };

    private final long parent = Fixtures.uniqueParent();

    @Actor
    public void writer()
    {
        EPOCH.getOrAlloc(parent, 1, 16, WRITE_42, null);
    }

    @Actor
    public void reader(final JJ_Result r)
    {
        final ShadowReader reader = Fixtures.EPOCH_READER.get();
        reader.enter();
        final long address = EPOCH.get(parent, 1);
        if (0 == address)
        {
            r.r1 = -1;
            r.r2 = -1;
        }
        else
        {
            r.r1 = Fixtures.read(address);
            r.r2 = Fixtures.read(address + 8);
        }
        reader.exit();
    }

    @Arbiter
    public void arbiter()
    {
        final long address = EPOCH.get(parent, 1);
        Fixtures.write(address + 8, Fixtures.JUNK);
        EPOCH.free(parent, 1);
    }
}
