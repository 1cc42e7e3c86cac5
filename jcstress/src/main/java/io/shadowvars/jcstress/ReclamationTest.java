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

import static io.shadowvars.jcstress.Fixtures.EPOCH;

/**
 * Guarantee 4 (EPOCH): data got inside {@code enter()}/{@code exit()} stays intact while another
 * thread frees it, allocates the same size class and writes junk into what it got. The reader
 * waits for the writer to finish before reading again, so a reuse would be seen. The store is in
 * checked mode: reclaimed memory is poisoned with 0x6B bytes.
 */
@JCStressTest
@Outcome(id = "-1, -1", expect = Expect.ACCEPTABLE, desc = "absent: the reader came after the free")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "found; the data stayed intact for the whole section")
@Outcome(expect = Expect.FORBIDDEN, desc = "data changed under a reader inside its section (reused or poisoned)")
@State
public class ReclamationTest
{
    private final long parent = Fixtures.uniqueParent();
    // In the parent's segment: the freed block returns to that segment's allocator only.
    private final long other = Fixtures.parentInSegmentOf(EPOCH, parent);
    private final AtomicBoolean written = new AtomicBoolean();

    public ReclamationTest()
    {
        EPOCH.alloc(parent, 1, 16, Fixtures.STAMP_PARENT, null);
    }

    @Actor
    public void reader(final JJ_Result r)
    {
        final ShadowReader reader = Fixtures.EPOCH_READER.get();
        reader.enter();
        Fixtures.readAcrossReuse(EPOCH, parent, written, r);
        reader.exit();
    }

    @Actor
    public void writer()
    {
        Fixtures.freeAndReuse(EPOCH, parent, other, written);
    }

    @Arbiter
    public void arbiter()
    {
        EPOCH.free(other, 1);
    }
}
