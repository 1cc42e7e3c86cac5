package io.shadowvars.internal.reclaim;

import io.shadowvars.Reclamation;
import io.shadowvars.ShadowReader;
import io.shadowvars.internal.PaddedLong;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class ReaderPadLhs
{
    byte p000, p001, p002, p003, p004, p005, p006, p007;
    byte p010, p011, p012, p013, p014, p015, p016, p017;
    byte p020, p021, p022, p023, p024, p025, p026, p027;
    byte p030, p031, p032, p033, p034, p035, p036, p037;
    byte p040, p041, p042, p043, p044, p045, p046, p047;
    byte p050, p051, p052, p053, p054, p055, p056, p057;
    byte p060, p061, p062, p063, p064, p065, p066, p067;
    byte p070, p071, p072, p073, p074, p075, p076, p077;
}

abstract class ReaderLocal extends ReaderPadLhs
{
    static final VarHandle LOCAL;

    static
    {
        try
        {
            LOCAL = MethodHandles.lookup().findVarHandle(ReaderLocal.class, "local", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /**
     * EPOCH: {@code epoch << 1 | 1} inside a section, 0 outside. QSBR: the last epoch announced.
     * Written by the owner thread, read by writers scanning readers.
     */
    long local;
}

abstract class ReaderPadRhs extends ReaderLocal
{
    byte p100, p101, p102, p103, p104, p105, p106, p107;
    byte p110, p111, p112, p113, p114, p115, p116, p117;
    byte p120, p121, p122, p123, p124, p125, p126, p127;
    byte p130, p131, p132, p133, p134, p135, p136, p137;
    byte p140, p141, p142, p143, p144, p145, p146, p147;
    byte p150, p151, p152, p153, p154, p155, p156, p157;
    byte p160, p161, p162, p163, p164, p165, p166, p167;
    byte p170, p171, p172, p173, p174, p175, p176, p177;
}

/**
 * A reader's slot: the word writers scan before advancing the epoch, padded onto its own cache
 * line so that readers on different cores do not share one.
 *
 * <p>Owned by the thread that created it (checked mode verifies it). See {@link Reclaimer} for
 * the protocol and its ordering argument.
 */
public final class ReaderHandle extends ReaderPadRhs implements ShadowReader
{
    private final Reclaimer reclaimer;
    private final PaddedLong globalEpoch;
    private final Reclamation mode;
    private final boolean checked;
    private final Thread owner;
    private boolean inSection;
    private boolean closed;

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
        LOCAL.setRelease(this, initial);
    }

    long local()
    {
        return (long)LOCAL.getAcquire(this);
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
        inSection = true;
        if (Reclamation.EPOCH == mode)
        {
            final long epoch = globalEpoch.getAcquire();
            LOCAL.setOpaque(this, epoch << 1 | 1);
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
            LOCAL.setRelease(this, 0L);
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
            LOCAL.setRelease(this, globalEpoch.getAcquire());
        }
    }

    /** {@inheritDoc} */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (checked && inSection)
        {
            throw new IllegalStateException("close() inside a read section");
        }
        closed = true;
        inSection = false;
        reclaimer.unregister(this);
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
