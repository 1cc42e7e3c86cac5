package io.shadowvars.jcstress;

import io.shadowvars.ShadowCtor;
import io.shadowvars.ShadowStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Guarantee 14: a block freed by another thread than its allocator goes back to the allocator of
 * its segment, and when the allocating thread allocates on that segment again it gets that block,
 * zeroed and carrying only the new variable's data, and the counts stay right. The owner
 * allocates {@code <parent, 1>} (its constructor fills the data with junk), waits until the freer
 * has freed it (or a bound passes) and allocates {@code <parent, 2>} of the same size with a
 * constructor that stamps the parent into its first 8 bytes; the freer waits until
 * {@code <parent, 1>} is visible and frees it. Each state has its own checked store with no reader
 * registered, so a freed block is released at once (poisoned with 0x6B bytes, and checked to be
 * still poisoned when handed out again) to the head of its segment's free list. (Checked mode
 * also keeps freed blocks out of the threads' block caches: in an unchecked store with no reader
 * the freer would keep the block for its own next allocation.)
 *
 * <p><b>Why it holds.</b> The free and both allocations take the segment's lock: the free's
 * release of the block to the segment's (LIFO) free list happens before the owner's next
 * allocation of that size, which therefore pops it; the allocator zeroes every block it hands out
 * (after checking the poison) before the constructor runs and before the insert publishes it.
 *
 * <p>Results: {@code r1} what the owner's second allocation got: 1 the freed block after it saw
 * the free; 0 another block when it did not see the free (it stopped waiting); 3 the freed block
 * although it did not see the free (the free landed in between); 2 another block after it saw the
 * free (the block did not come back to its segment). {@code r2} the new data was exactly the
 * stamp followed by zeros (1) or not (0), {@code r3} {@code stats().liveVariables()} afterwards,
 * {@code r4} the freer freed (1) or gave up waiting for the allocation (0).
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 1", expect = Expect.ACCEPTABLE,
    desc = "freed by the other thread, reused by the owner on the same segment, zeroed; one live")
@Outcome(id = "3, 1, 1, 1", expect = Expect.ACCEPTABLE,
    desc = "the owner stopped waiting, the free landed just before its alloc: reused, zeroed; one live")
@Outcome(id = "0, 1, 1, 1", expect = Expect.ACCEPTABLE,
    desc = "freed after the owner's second alloc (it stopped waiting): no reuse; one live")
@Outcome(id = "0, 1, 2, 0", expect = Expect.ACCEPTABLE,
    desc = "the freer gave up waiting for the first alloc: nothing freed; two live")
@Outcome(id = "., 0, .*", expect = Expect.FORBIDDEN, desc = "a fresh variable holds more than its ctor wrote")
@Outcome(id = "2, .*", expect = Expect.FORBIDDEN,
    desc = "the owner saw the free, yet the freed block did not come back for its next alloc")
@Outcome(expect = Expect.FORBIDDEN,
    desc = "counts wrong: a block reused while still live, or liveVariables disagrees with the frees")
@State
public class CrossThreadFreeThenReuseTest
{
    private static final long PARENT = Fixtures.uniqueParent();
    private static final ShadowCtor<Object> FILL_JUNK = (var, data) ->
    {
        var.data().putLong(0, Fixtures.JUNK);
        var.data().putLong(8, Fixtures.JUNK);
        return 0;
    };

    private final ShadowStore store = ShadowStore.builder().segments(2).initialCapacity(4).checked(true).build();
    private final AtomicBoolean freed = new AtomicBoolean();

    @Actor
    public void owner(final IIII_Result r)
    {
        final long first = store.alloc(PARENT, 1, 16, FILL_JUNK, null);
        Fixtures.awaitBounded(freed);
        final boolean sawFree = freed.get();
        final long second = store.alloc(PARENT, 2, 16, Fixtures.STAMP_PARENT, null);
        final boolean reused = first == second;
        r.r1 = sawFree ? (reused ? 1 : 2) : (reused ? 3 : 0);
        r.r2 = PARENT == Fixtures.read(second) && 0 == Fixtures.read(second + 8) ? 1 : 0;
    }

    @Actor
    public void freer(final IIII_Result r)
    {
        boolean seen = false;
        for (int i = 0; i < 20_000 && !(seen = 0 != store.get(PARENT, 1)); i++)
        {
            Thread.onSpinWait();
        }
        final boolean done = seen && store.free(PARENT, 1);
        r.r4 = done ? 1 : 0;
        // Set only after a free, so that an owner which sees it must get the freed block.
        if (done)
        {
            freed.set(true);
        }
    }

    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        r.r3 = (int)store.stats().liveVariables();
        store.close();
    }
}
