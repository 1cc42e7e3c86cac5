package io.shadowvars.internal.reclaim;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowReader;
import io.shadowvars.internal.PaddedLong;

import java.lang.invoke.VarHandle;

/**
 * A reader's handle and slot: the word writers scan before advancing the epoch, a
 * {@link PaddedLong} on a cache line of its own so that readers on different cores do not share
 * one. EPOCH: {@code epoch << 1 | 1} inside a section, 0 outside. QSBR: the last epoch announced.
 *
 * <p>Owned by the thread that created it (checked mode verifies it). See {@link Reclaimer} for
 * the protocol and its ordering argument.
 */
public final class ReaderHandle implements ShadowReader
{
    private final Reclaimer reclaimer;
    private final PaddedLong globalEpoch;
    private final PaddedLong local;
    private final Reclamation mode;
    private final boolean checked;
    private final Thread owner;
    private boolean inSection;
    private boolean closed;
    private boolean warned;
    private volatile boolean closedFlag;

    ReaderHandle(
        final Reclaimer reclaimer,
        final PaddedLong globalEpoch,
        final Reclamation mode,
        final boolean checked,
        final long initial)
    {
        this.reclaimer = reclaimer;
        this.globalEpoch = globalEpoch;
        this.mode = mode;
        this.checked = checked;
        this.owner = Thread.currentThread();
        this.local = new PaddedLong(initial);
    }

    long local()
    {
        return local.getAcquire();
    }

    /**
     * Whether the owning thread has terminated (its section, if any, can never end). A thread's
     * termination happens before another thread's {@code isAlive()} returning false, so all its
     * reads are ordered before whatever the caller releases next.
     */
    boolean ownerTerminated()
    {
        return !owner.isAlive();
    }

    /**
     * Claim the one warning about this handle's terminated owner.
     *
     * @return true the first time only.
     */
    synchronized boolean claimWarning()
    {
        if (warned)
        {
            return false;
        }
        warned = true;
        return true;
    }

    /**
     * Whether a thread owns this handle.
     *
     * @param thread the thread.
     * @return true for the owner.
     */
    boolean ownedBy(final Thread thread)
    {
        return owner == thread;
    }

    /**
     * Whether the handle was closed (racy read, for close()'s wait).
     *
     * @return true once closed.
     */
    boolean isClosed()
    {
        return closedFlag;
    }

    /** The owning thread's name, for the warning when a terminated owner's handle is released. */
    String ownerName()
    {
        return owner.getName();
    }

    /** Whether this handle's owner was in a read section when last seen (its slot is pinned). */
    boolean pinned()
    {
        final long value = local.getAcquire();
        return Reclamation.EPOCH == mode && (value & 1) != 0;
    }

    /** {@inheritDoc} */
    @Override
    public void enter()
    {
        if (checked)
        {
            checkOwner("enter");
            if (inSection)
            {
                throw new IllegalStateException("enter() inside a read section: sections do not nest");
            }
            if (closed)
            {
                throw new IllegalStateException("enter() on a closed ShadowReader");
            }
        }
        final long epoch = globalEpoch.getAcquire();
        if ((epoch & Reclaimer.CLOSED) != 0)
        {
            throw new IllegalStateException("enter() on a ShadowReader of a closed ShadowStore");
        }
        inSection = true;
        if (Reclamation.EPOCH == mode)
        {
            local.setOpaque(epoch << 1 | 1);
            // Store-load: the pin must be visible before this thread reads the table (crossbeam's
            // SeqCst fence in pin()); the writer's fence before it scans pairs with this one.
            VarHandle.fullFence();
        }
    }

    /** {@inheritDoc} */
    @Override
    public void exit()
    {
        if (checked)
        {
            checkOwner("exit");
            if (!inSection)
            {
                throw new IllegalStateException("exit() without enter()");
            }
        }
        inSection = false;
        if (Reclamation.EPOCH == mode)
        {
            // Release: every read of shadow data in the section happens before a writer sees us out.
            local.setRelease(0L);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void quiescent()
    {
        if (checked)
        {
            checkOwner("quiescent");
            if (Reclamation.EPOCH == mode && inSection)
            {
                throw new IllegalStateException("quiescent() inside an EPOCH read section");
            }
        }
        if (Reclamation.QSBR == mode && !closed)
        {
            // Release: the reads before this announcement happen before a writer counts it. Reads
            // after it follow the acquire of the epoch, so they cannot see what was unlinked before.
            local.setRelease(globalEpoch.getAcquire());
        }
    }

    /** {@inheritDoc} */
    @Override
    public void close()
    {
        if (checked && !ownerTerminated())
        {
            // Another thread's close() would unregister the handle while its owner may be reading.
            checkOwner("close");
        }
        if (closed)
        {
            return;
        }
        if (checked && inSection)
        {
            throw new IllegalStateException("close() inside a read section");
        }
        // Unregister first: when that is refused (from inside a ctor or dtor), the handle stays
        // registered and open, and a later close() can still release it.
        reclaimer.unregister(this);
        closed = true;
        closedFlag = true;
        inSection = false;
    }

    /**
     * The owning thread, the mode and the state, for messages.
     *
     * @return a description.
     */
    @Override
    public String toString()
    {
        return "ShadowReader{thread='" + owner.getName() + "', " + mode + (pinned() ? ", in a section" : "") + "}";
    }

    private void checkOwner(final String method)
    {
        final Thread current = Thread.currentThread();
        if (current != owner)
        {
            throw new IllegalStateException(method + "() on a ShadowReader owned by thread '" +
                owner.getName() + "' called from thread '" + current.getName() + "'");
        }
    }
}
