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
    // The headers of the live variables: the first one inline (most parents have one variable, and
    // an array would cost 32 bytes more per parent), the others in 'more', made for the second.
    private long first;
    private long[] more;
    private int count;

    WeakParent(final Object parent, final ReferenceQueue<Object> queue, final Segment segment, final int identityHash)
    {
        super(parent, queue);
        this.segment = segment;
        this.identityHash = identityHash;
    }

    /**
     * Record a variable of this parent. Throws {@link OutOfMemoryError} with nothing recorded when
     * the heap refuses room for it.
     *
     * @param header its block header.
     */
    void add(final long header)
    {
        if (0 == count)
        {
            first = header;
            count = 1;
            return;
        }
        final int extra = count - 1;
        if (null == more)
        {
            more = new long[2];
        }
        else if (extra == more.length)
        {
            more = Arrays.copyOf(more, extra << 1);
        }
        more[extra] = header;
        count++;
    }

    /**
     * Forget a variable of this parent (freed or abandoned).
     *
     * @param header its block header.
     * @return how many variables the parent still has.
     */
    int remove(final long header)
    {
        if (count > 0)
        {
            final int last = count - 2;
            if (first == header)
            {
                first = last >= 0 ? more[last] : 0;
                return forgetLast();
            }
            for (int i = last; i >= 0; i--)
            {
                if (more[i] == header)
                {
                    more[i] = more[last];
                    return forgetLast();
                }
            }
        }
        throw new IllegalStateException("shadow block 0x" + Long.toHexString(header) + " is not a variable of its parent");
    }

    private int forgetLast()
    {
        if (count > 1)
        {
            more[count - 2] = 0;
        }
        return --count;
    }

    /**
     * The headers of the variables this parent still has.
     *
     * @return a copy, in no particular order.
     */
    long[] headers()
    {
        final long[] headers = new long[count];
        if (count > 0)
        {
            headers[0] = first;
            if (count > 1)
            {
                System.arraycopy(more, 0, headers, 1, count - 1);
            }
        }
        return headers;
    }
}
