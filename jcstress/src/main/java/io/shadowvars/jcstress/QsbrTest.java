package io.shadowvars.jcstress;

import io.shadowvars.ShadowReader;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import java.util.concurrent.atomic.AtomicBoolean;

import static io.shadowvars.jcstress.Fixtures.QSBR;

/**
 * Guarantee 7 (QSBR): memory is reused only after every registered reader has passed
 * {@code quiescent()}. The reader announces a quiescent state, then gets the data and reads it
 * before and after the writer freed it, reallocated the size class and wrote junk; it announces
 * its next quiescent state only after its last read. Checked mode poisons reclaimed memory.
 */
@JCStressTest
@Outcome(id = "-1, -1", expect = Expect.ACCEPTABLE, desc = "absent: the reader came after the free")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "found; intact until the reader's next quiescent state")
@Outcome(expect = Expect.FORBIDDEN, desc = "reused before the reader passed a quiescent state")
@State
public class QsbrTest
{
    private final long parent = Fixtures.uniqueParent();
    // In the parent's segment: the freed block returns to that segment's allocator only.
    private final long other = Fixtures.parentInSegmentOf(QSBR, parent);
    private final AtomicBoolean written = new AtomicBoolean();

    public QsbrTest()
    {
        QSBR.alloc(parent, 1, 16, Fixtures.STAMP_PARENT, null);
    }

    @Actor
    public void reader(final JJ_Result r)
    {
        final ShadowReader reader = Fixtures.QSBR_READER.get();
        reader.quiescent();
        Fixtures.readAcrossReuse(QSBR, parent, written, r);
        reader.quiescent();
    }

    @Actor
    public void writer()
    {
        final ShadowReader self = Fixtures.QSBR_READER.get();
        Fixtures.freeAndReuse(QSBR, parent, other, written);
        self.quiescent();
    }

    @Arbiter
    public void arbiter()
    {
        QSBR.free(other, 1);
    }
}
