package io.shadowvars;

import io.shadowvars.internal.Block;
import io.shadowvars.internal.Memory;
import io.shadowvars.internal.table.ShadowTable;

/**
 * The fields {@code get} reads, kept on cache lines that no writer writes: 64 bytes of padding on
 * each side, through the class chain (the JVM lays superclass fields out first). Without it the
 * write lock's header, the counters or a neighbouring object written on every {@code alloc}/{@code
 * free} can share a line with them, and every reader on another core then misses on it.
 */
abstract class ShadowStorePadLhs
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

abstract class ShadowStoreReadFields extends ShadowStorePadLhs
{
    /** One table per segment, read-only: get() goes straight to its segment's table. */
    final ShadowTable[] tables;
    final int dataOffset;
    final int maxSize;
    final boolean checked;
    /** Long parents in one aligned 2^regionShift-byte region share a segment. */
    final int regionShift;

    ShadowStoreReadFields(
        final ShadowTable[] tables, final int dataOffset, final int maxSize, final boolean checked, final int regionShift)
    {
        this.tables = tables;
        this.regionShift = regionShift;
        this.dataOffset = dataOffset;
        this.maxSize = maxSize;
        this.checked = checked;
    }

    /**
     * The data address of a block: after the header, or in a dedicated allocation.
     */
    final long dataAddress(final long header)
    {
        return (Block.flags(header) & Block.INDIRECT) != 0 ?
            Memory.getLong(header + dataOffset) : header + dataOffset;
    }
}

abstract class ShadowStorePadRhs extends ShadowStoreReadFields
{
    byte p100, p101, p102, p103, p104, p105, p106, p107;
    byte p110, p111, p112, p113, p114, p115, p116, p117;
    byte p120, p121, p122, p123, p124, p125, p126, p127;
    byte p130, p131, p132, p133, p134, p135, p136, p137;
    byte p140, p141, p142, p143, p144, p145, p146, p147;
    byte p150, p151, p152, p153, p154, p155, p156, p157;
    byte p160, p161, p162, p163, p164, p165, p166, p167;
    byte p170, p171, p172, p173, p174, p175, p176, p177;

    ShadowStorePadRhs(
        final ShadowTable[] tables, final int dataOffset, final int maxSize, final boolean checked, final int regionShift)
    {
        super(tables, dataOffset, maxSize, checked, regionShift);
    }
}
