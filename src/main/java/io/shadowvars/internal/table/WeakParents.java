package io.shadowvars.internal.table;

import java.lang.ref.ReferenceQueue;

/**
 * The weak object parents of one segment: writer-side bookkeeping only, used under the segment's
 * lock. Finds the {@link WeakParent} of a live parent (so all its variables share one reference
 * object), creates it on the parent's first variable, and detaches it when its last variable is
 * freed or when it is expunged after collection.
 *
 * <p>The lookup is an open-addressing array of {@link WeakParent}s keyed by the parent's identity
 * hash (null is empty), linear probing, backward-shift deletion, at most half full. An entry matches when its {@link WeakParent} still {@linkplain WeakParent#refersTo refers
 * to} the parent, so a collected, not yet expunged parent never matches a new object that reuses
 * its identity hash. Readers never look here: they find variables through the slots and compare
 * with {@code refersTo} against the table's parents array, which holds the same
 * {@link WeakParent} beside each of the parent's slots.
 */
final class WeakParents
{
    private final ReferenceQueue<Object> queue;
    private final Segment segment;
    private WeakParent[] index = new WeakParent[16];
    private int size;

    WeakParents(final ReferenceQueue<Object> queue, final Segment segment)
    {
        this.queue = queue;
        this.segment = segment;
    }

    private static int spread(final int identityHash)
    {
        final int h = identityHash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * The weak reference for a new variable of a live parent, created on the parent's first
     * variable.
     *
     * @param parent the parent object (alive: the caller holds it).
     * @param header the new variable's block header.
     * @return the reference to keep beside the variable's slot.
     */
    WeakParent acquire(final Object parent, final long header)
    {
        // Grow first: an OutOfMemoryError from here on leaves nothing half-recorded (the caller
        // then gives the block back).
        if ((size + 1) * 2 > index.length)
        {
            grow();
        }
        final int identityHash = System.identityHashCode(parent);
        final int mask = index.length - 1;
        int i = spread(identityHash) & mask;
        WeakParent candidate;
        while (null != (candidate = index[i]))
        {
            if (candidate.identityHash == identityHash && candidate.refersTo(parent))
            {
                candidate.add(header);
                return candidate;
            }
            i = (i + 1) & mask;
        }
        final WeakParent created = new WeakParent(parent, queue, segment, identityHash);
        created.add(header);
        created.attached = true;
        index[i] = created;
        size++;
        return created;
    }

    /**
     * Forget a variable that was unlinked (or never published); detach its parent's reference
     * once it has no variable left, so a later collection of the parent finds nothing to do.
     *
     * @param parent the variable's parent reference.
     * @param header the variable's block header.
     */
    void release(final WeakParent parent, final long header)
    {
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
        return parent.attached;
    }

    /**
     * Remove a reference from the lookup.
     *
     * @param parent an attached reference.
     */
    void detach(final WeakParent parent)
    {
        final int mask = index.length - 1;
        int hole = spread(parent.identityHash) & mask;
        while (index[hole] != parent)
        {
            hole = (hole + 1) & mask;
        }
        int next = hole;
        while (true)
        {
            next = (next + 1) & mask;
            final WeakParent entry = index[next];
            if (null == entry)
            {
                break;
            }
            final int home = spread(entry.identityHash) & mask;
            final boolean homeInRange = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
            if (!homeInRange)
            {
                index[hole] = entry;
                hole = next;
            }
        }
        index[hole] = null;
        size--;
        parent.attached = false;
    }

    /**
     * Stop every reference from being enqueued (the store is closing).
     */
    void clearAll()
    {
        for (final WeakParent parent : index)
        {
            if (null != parent)
            {
                parent.clear();
                parent.attached = false;
            }
        }
        index = new WeakParent[16];
        size = 0;
    }

    private void grow()
    {
        final WeakParent[] fresh = new WeakParent[index.length << 1];
        final int mask = fresh.length - 1;
        for (final WeakParent entry : index)
        {
            if (null != entry)
            {
                int i = spread(entry.identityHash) & mask;
                while (null != fresh[i])
                {
                    i = (i + 1) & mask;
                }
                fresh[i] = entry;
            }
        }
        index = fresh;
    }
}
