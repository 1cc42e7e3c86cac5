package io.shadowvars.internal.table;

import java.lang.ref.ReferenceQueue;

/**
 * The weak object parents of one segment: writer-side bookkeeping only, used under the segment's
 * lock. Finds the {@link WeakParent} of a live parent (so all its variables share one reference
 * object), creates it on the parent's first variable, and detaches it when its last variable is
 * freed or when it is expunged after collection.
 *
 * <p>The lookup is an open-addressing {@code int[]} keyed by the parent's identity hash, holding
 * reference-array index + 1 (0 is empty), linear probing, backward-shift deletion, at most half
 * full. An entry matches when its {@link WeakParent} still {@linkplain WeakParent#refersTo refers
 * to} the parent, so a collected, not yet expunged parent never matches a new object that reuses
 * its identity hash. Readers never look here: they find variables through the slots and compare
 * with {@code refersTo} in {@link ShadowTable}.
 */
final class WeakParents
{
    private final ShadowTable table;
    private final ReferenceQueue<Object> queue;
    private final Segment segment;
    private int[] index = new int[16];
    private int size;

    WeakParents(final ShadowTable table, final ReferenceQueue<Object> queue, final Segment segment)
    {
        this.table = table;
        this.queue = queue;
        this.segment = segment;
    }

    private static int spread(final int identityHash)
    {
        final int h = identityHash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * The reference index for a new variable of a live parent, creating its weak reference on the
     * parent's first variable.
     *
     * @param parent the parent object (alive: the caller holds it).
     * @param header the new variable's block header.
     * @return the index to store in the header's parent word.
     */
    int acquire(final Object parent, final long header)
    {
        final int identityHash = System.identityHashCode(parent);
        final int mask = index.length - 1;
        int i = spread(identityHash) & mask;
        int entry;
        while (0 != (entry = index[i]))
        {
            final WeakParent candidate = (WeakParent)table.ref(entry - 1);
            if (candidate.identityHash == identityHash && candidate.refersTo(parent))
            {
                candidate.add(header);
                return candidate.index;
            }
            i = (i + 1) & mask;
        }
        final WeakParent created = new WeakParent(parent, queue, segment, identityHash);
        created.index = table.addRef(created);
        created.add(header);
        index[i] = created.index + 1;
        if (++size * 2 > index.length)
        {
            grow();
        }
        return created.index;
    }

    /**
     * Forget a variable that was unlinked (or never published); detach its parent's reference
     * once it has no variable left, so a later collection of the parent finds nothing to do.
     *
     * @param ref    the header's reference index.
     * @param header the variable's block header.
     */
    void release(final int ref, final long header)
    {
        final WeakParent parent = (WeakParent)table.ref(ref);
        if (0 == parent.remove(header))
        {
            parent.clear();
            detach(parent);
        }
    }

    /**
     * Whether a dequeued reference is still attached here (it was not detached by freeing its
     * last variable, or by close).
     *
     * @param parent a reference from the queue.
     * @return true when its variables are still in the table.
     */
    boolean attached(final WeakParent parent)
    {
        return parent.index >= 0 && table.ref(parent.index) == parent;
    }

    /**
     * Remove a reference from the lookup and the reference array and recycle its index.
     *
     * @param parent an attached reference.
     */
    void detach(final WeakParent parent)
    {
        final int mask = index.length - 1;
        final int wanted = parent.index + 1;
        int hole = spread(parent.identityHash) & mask;
        while (index[hole] != wanted)
        {
            hole = (hole + 1) & mask;
        }
        int next = hole;
        while (true)
        {
            next = (next + 1) & mask;
            final int entry = index[next];
            if (0 == entry)
            {
                break;
            }
            final int home = spread(((WeakParent)table.ref(entry - 1)).identityHash) & mask;
            final boolean homeInRange = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
            if (!homeInRange)
            {
                index[hole] = entry;
                hole = next;
            }
        }
        index[hole] = 0;
        size--;
        table.removeRef(parent.index);
        parent.index = -1;
    }

    /**
     * Stop every reference from being enqueued (the store is closing).
     */
    void clearAll()
    {
        for (final int entry : index)
        {
            if (0 != entry)
            {
                final WeakParent parent = (WeakParent)table.ref(entry - 1);
                parent.clear();
                parent.index = -1;
            }
        }
        index = new int[16];
        size = 0;
    }

    private void grow()
    {
        final int[] fresh = new int[index.length << 1];
        final int mask = fresh.length - 1;
        for (final int entry : index)
        {
            if (0 != entry)
            {
                int i = spread(((WeakParent)table.ref(entry - 1)).identityHash) & mask;
                while (0 != fresh[i])
                {
                    i = (i + 1) & mask;
                }
                fresh[i] = entry;
            }
        }
        index = fresh;
    }
}
