package io.shadowvars.jcstress;

import io.shadowvars.ShadowReader;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicBoolean;

import static io.shadowvars.jcstress.Fixtures.EPOCH;

/**
 * Guarantee 13 (EPOCH, segments): a block freed by a thread other than the one that allocated it,
 * while a reader holds its data inside a read section, is not reused before the reader's
 * {@code exit()}, even by allocations of its size on the same segment. The reader allocates
 * {@code <parent, 1>} with a constructor that stamps the parent, enters a section, gets the data,
 * reads it, waits until the freer is done (or a bound passes), reads it again and exits. The
 * freer, another thread, waits until the variable is visible, frees it, calls {@code stats()}
 * (which seals every segment's retired blocks and tries to advance the epoch twice), then
 * allocates four variables of the same size on the same parent (so on the same segment, whose
 * allocator the freed block returns to) and fills them with junk. The store is in checked mode: a
 * block reclaimed early is poisoned (0x6B bytes), so an early release shows even if no allocation
 * took it. (The allocation is the reader's own: jcstress does not schedule a test with more actors
 * than the machine has CPUs, and the gate runs on two.)
 *
 * <p><b>Why it holds.</b> The free unlinks the block under its segment's lock and puts it on that
 * segment's open retire list; the list is tagged with the epoch {@code t} read after a full fence
 * that follows the unlink, and its blocks are released only at epoch {@code t + 2}. The advance to
 * {@code t + 2} needs every pinned reader at {@code t + 1}: a reader pinned at {@code t} or earlier
 * blocks it, and a reader pinned at {@code t + 1} or later cannot find the block (see
 * {@code Reclaimer}). Which thread frees does not matter: every free of the key takes the same
 * segment lock and list.
 *
 * <p>Results: {@code r1}, {@code r2} the reader's two reads (1 intact, 0 changed, -1 absent),
 * {@code r3} whether the freer freed (1) or gave up waiting for the allocation (0).
 */
@JCStressTest
@Outcome(id = "-1, -1, 1", expect = Expect.ACCEPTABLE, desc = "absent: the free came before the reader's section")
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "found; intact for the whole section although another thread freed it")
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "found; the freer gave up waiting for the alloc (nothing freed)")
@Outcome(id = {"0, .*", "1, 0, .*"}, expect = Expect.FORBIDDEN,
    desc = "data changed under a reader inside its section: reused by the same segment or poisoned")
@Outcome(expect = Expect.FORBIDDEN, desc = "absent although nothing freed it, or a result other than intact, changed or absent")
@State
public class CrossThreadFreeInSectionTest
{
    private static final int NEW_VARIABLES = 4;

    private final long parent = Fixtures.uniqueParent();
    private final AtomicBoolean written = new AtomicBoolean();

    @Actor
    public void reader(final III_Result r)
    {
        EPOCH.alloc(parent, 1, 16, Fixtures.STAMP_PARENT, null);
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
            r.r1 = Fixtures.read(address) == parent ? 1 : 0;
            Fixtures.awaitBounded(written);
            r.r2 = Fixtures.read(address) == parent ? 1 : 0;
        }
        reader.exit();
    }

    @Actor
    public void freer(final III_Result r)
    {
        boolean seen = false;
        for (int i = 0; i < 20_000 && !(seen = 0 != EPOCH.get(parent, 1)); i++)
        {
            Thread.onSpinWait();
        }
        if (seen)
        {
            EPOCH.free(parent, 1);
            EPOCH.stats();
            for (long id = 2; id < 2 + NEW_VARIABLES; id++)
            {
                final long address = EPOCH.alloc(parent, id, 16);
                Fixtures.write(address, Fixtures.JUNK);
                Fixtures.write(address + 8, Fixtures.JUNK);
            }
        }
        r.r3 = seen ? 1 : 0;
        written.set(true);
    }

    @Arbiter
    public void arbiter()
    {
        for (long id = 1; id < 2 + NEW_VARIABLES; id++)
        {
            EPOCH.free(parent, id);
        }
    }
}
