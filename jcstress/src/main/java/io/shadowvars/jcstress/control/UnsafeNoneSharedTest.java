package io.shadowvars.jcstress.control;

import org.agrona.UnsafeApi;
import io.shadowvars.Reclamation;
import io.shadowvars.ShadowStore;
import io.shadowvars.internal.table.ShadowTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NEGATIVE CONTROL, expected to FAIL: the shape of {@code ReclamationTest}, but on a
 * {@link Reclamation#NONE} store shared by two threads, which the contract forbids (NONE reuses
 * freed memory at once). The reader's data is reused and overwritten under it, and this test
 * must show its FORBIDDEN outcome: proof that the harness sees a broken store. It lives in its
 * own package so the gate (which excludes it) and the control run can select it by name.
 */
@JCStressTest
@Outcome(id = "-1, -1", expect = Expect.ACCEPTABLE, desc = "absent: the reader came after the free")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "intact (the reader finished before the reuse)")
@Outcome(expect = Expect.FORBIDDEN, desc = "data reused under the reader: what NONE shared by threads does")
@State
public class UnsafeNoneSharedTest
{
    private static final ShadowStore NONE = ShadowStore.builder().reclamation(Reclamation.NONE)
        .initialCapacity(1 << 16).build();
    private static final AtomicLong NEXT = new AtomicLong();

    private final long parent = 0x20_0000_0000L + NEXT.incrementAndGet() * 64;
    // In the parent's segment: the freed block returns to that segment's allocator only.
    private final long other = sameSegment(parent);
    private final AtomicBoolean written = new AtomicBoolean();

    public UnsafeNoneSharedTest()
    {
        final long address = NONE.alloc(parent, 1, 16);
        UnsafeApi.putLong(address, parent);
    }

    private static long sameSegment(final long parent)
    {
        final int segments = NONE.segments();
        long other;
        do
        {
            other = 0x20_0000_0000L + NEXT.incrementAndGet() * 64;
        }
        while (ShadowTable.segmentOf(other, segments) != ShadowTable.segmentOf(parent, segments));
        return other;
    }

    @Actor
    public void reader(final JJ_Result r)
    {
        final long address = NONE.get(parent, 1);
        if (0 == address)
        {
            r.r1 = -1;
            r.r2 = -1;
        }
        else
        {
            r.r1 = UnsafeApi.getLong(address) == parent ? 1 : 0;
            for (int i = 0; i < 20_000 && !written.get(); i++)
            {
                Thread.onSpinWait();
            }
            r.r2 = UnsafeApi.getLong(address) == parent ? 1 : 0;
        }
    }

    @Actor
    public void writer()
    {
        NONE.free(parent, 1);
        final long address = NONE.alloc(other, 1, 16);
        UnsafeApi.putLong(address, 0x1111_2222_3333_4444L);
        written.set(true);
    }

    @Arbiter
    public void arbiter()
    {
        NONE.free(other, 1);
    }
}
