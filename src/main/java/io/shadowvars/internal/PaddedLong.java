package io.shadowvars.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class PaddedLongLhs
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

abstract class PaddedLongValue extends PaddedLongLhs
{
    static final VarHandle VALUE;

    static
    {
        try
        {
            VALUE = MethodHandles.lookup().findVarHandle(PaddedLongValue.class, "value", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    long value;
}

abstract class PaddedLongRhs extends PaddedLongValue
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
 * A {@code long} on a cache line of its own, for the few words that readers and writers contend
 * on (the table's version, the global epoch).
 *
 * <p>Padding is byte fields through a class chain, as JCTools does: the JVM lays superclass fields
 * out first, so 64 bytes stand on each side of the value whatever it does to reorder the fields of
 * one class. Every access names its memory-ordering mode.
 */
public final class PaddedLong extends PaddedLongRhs
{
    /**
     * Create with an initial value.
     *
     * @param initial the first value.
     */
    public PaddedLong(final long initial)
    {
        VALUE.setRelease(this, initial);
    }

    /**
     * Read with acquire semantics.
     *
     * @return the value.
     */
    public long getAcquire()
    {
        return (long)VALUE.getAcquire(this);
    }

    /**
     * Read with opaque semantics (not hoisted, not torn; no ordering).
     *
     * @return the value.
     */
    public long getOpaque()
    {
        return (long)VALUE.getOpaque(this);
    }

    /**
     * Plain read, for the single writer that owns the value.
     *
     * @return the value.
     */
    public long getPlain()
    {
        return (long)VALUE.get(this);
    }

    /**
     * Write with release semantics.
     *
     * @param value the new value.
     */
    public void setRelease(final long value)
    {
        VALUE.setRelease(this, value);
    }

    /**
     * Write with opaque semantics.
     *
     * @param value the new value.
     */
    public void setOpaque(final long value)
    {
        VALUE.setOpaque(this, value);
    }

    /**
     * Atomically set the value when it is the expected one (volatile semantics).
     *
     * @param expected the value it must have.
     * @param value    the new value.
     * @return true when it was set.
     */
    public boolean compareAndSet(final long expected, final long value)
    {
        return VALUE.compareAndSet(this, expected, value);
    }
}
