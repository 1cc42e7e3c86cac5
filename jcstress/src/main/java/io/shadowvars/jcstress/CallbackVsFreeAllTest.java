package io.shadowvars.jcstress;

import io.shadowvars.ShadowStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee 17: a constructor that calls a mutating store method on another segment is refused
 * with {@code IllegalStateException}, whether that segment's lock is free or held by a
 * {@code freeAll}, and the two never deadlock. One thread allocates {@code <high, id2>} (in the
 * last segment) with a constructor that tries {@code alloc(low, id3)} (in the first segment);
 * another runs {@code freeAll(id)}, which takes the first segment's lock, then every other up to
 * the last, and frees {@code <low, id>}, allocated before the race.
 *
 * <p><b>Why it holds.</b> A writer checks that it is not inside a callback after it has taken its
 * segment's lock, and a thread that finds the lock held checks before it waits
 * ({@code WriteLock.beforeWaiting}). The constructor's thread holds the last segment's lock; when
 * {@code freeAll} holds the first and waits for the last, the nested call finds the first held and
 * fails instead of waiting for it; when the first is free, the nested call takes it, finds its
 * thread inside a callback, gives it back and fails. Either way the constructor returns, the outer
 * allocation completes, and {@code freeAll} goes on.
 *
 * <p><b>What would break it.</b> A nested call that waited for the first segment's lock while
 * {@code freeAll} held it would deadlock: with {@code beforeWaiting} emptied, this test hangs in
 * its first fork (seen: no result within 400 s, against 18 of 18 passed in quick mode otherwise).
 * A check that only ran before waiting would let the nested allocation through when the lock was
 * free ({@code r1} 0).
 *
 * <p>Results: {@code r1} 1 when the nested call was refused with {@code IllegalStateException}
 * (0 if it returned, 2 for any other exception), {@code r2} what {@code freeAll} returned,
 * {@code r3} 1 when the outer variable exists and the nested one does not afterwards.
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE,
    desc = "the nested call was refused, freeAll freed <low, id>, the outer alloc completed")
@Outcome(expect = Expect.FORBIDDEN,
    desc = "a nested mutating call from a ctor went through or failed otherwise, or freeAll or the outer alloc went wrong")
@State
public class CallbackVsFreeAllTest
{
    static final int SEGMENTS = 8;
    static final ShadowStore STORE = ShadowStore.builder().segments(SEGMENTS).initialCapacity(64).build();

    final long id = Fixtures.uniqueId();
    final long outerId = Fixtures.uniqueId();
    final long nestedId = Fixtures.uniqueId();
    final long low = Fixtures.parentInSegment(0, SEGMENTS);
    final long high = Fixtures.parentInSegment(SEGMENTS - 1, SEGMENTS);
    int nested;

    /** The variable {@code freeAll} frees, in the first segment. */
    public CallbackVsFreeAllTest()
    {
        STORE.alloc(low, id, 8);
    }

    @Actor
    public void constructor(final III_Result r)
    {
        STORE.alloc(high, outerId, 8, (var, data) ->
        {
            try
            {
                STORE.alloc(low, nestedId, 8);
                nested = 0;
            }
            catch (final IllegalStateException ex)
            {
                nested = 1;
            }
            catch (final RuntimeException ex)
            {
                nested = 2;
            }
            return 0;
        }, null);
        r.r1 = nested;
    }

    @Actor
    public void freeAll(final III_Result r)
    {
        r.r2 = STORE.freeAll(id);
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        final boolean outer = STORE.free(high, outerId);
        final boolean inner = STORE.free(low, nestedId);
        r.r3 = outer && !inner ? 1 : 0;
    }
}
