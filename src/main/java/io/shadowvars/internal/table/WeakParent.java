package io.shadowvars.internal.table;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * One weakly held object parent of a weak-parent store: the entry beside each of this parent's
 * variables in the segment's parents array (one reference object per
 * parent, not per variable). It remembers what is needed once the parent is gone: its identity
 * hash (to find its variables' slots), its segment and the headers of its live variables.
 *
 * <p>Readers only call {@link #refersTo(Object)} (a {@code ==} test that never makes the referent
 * strongly reachable). Every other field is written and read under the owning segment's lock.
 */
final class WeakParent extends WeakReference<Object>
{
    /** The segment whose table holds this parent's variables. */
    final Segment segment;
    /** {@code System.identityHashCode} of the parent, taken while it was alive. */
    final int identityHash;
    /** Whether the segment still holds this parent's variables; false once detached (freed or expunged). */
    boolean attached;
    private long[] headers = new long[2];
    private int count;

    WeakParent(final Object parent, final ReferenceQueue<Object> queue, final Segment segment, final int identityHash)
    {
        super(parent, queue);
        this.segment = segment;
        this.identityHash = identityHash;
    }

    /**
     * Record a variable of this parent.
     *
     * @param header its block header.
     */
    void add(final long header)
    {
        if (count == headers.length)
        {
            headers = Arrays.copyOf(headers, count << 1);
        }
        headers[count++] = header;
    }

    /**
     * Forget a variable of this parent (freed or abandoned).
     *
     * @param header its block header.
     * @return how many variables the parent still has.
     */
    int remove(final long header)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            if (headers[i] == header)
            {
                headers[i] = headers[--count];
                headers[count] = 0;
                return count;
            }
        }
        throw new IllegalStateException("shadow block 0x" + Long.toHexString(header) + " is not a variable of its parent");
    }

    /**
     * The headers of the variables this parent still has.
     *
     * @return a copy, in no particular order.
     */
    long[] headers()
    {
        return Arrays.copyOf(headers, count);
    }
}
