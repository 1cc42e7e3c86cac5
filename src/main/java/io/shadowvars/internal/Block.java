package io.shadowvars.internal;

/**
 * Layout of a block: a 24-byte header, then the data at a store-wide offset.
 *
 * <pre>
 *  header + 0   long  parent   the long parent; for an object parent its identity hash (the
 *                              object itself sits beside the slot, in the table's parents
 *                              array); the next-block link while the block is free
 *  header + 8   long  id
 *  header + 16  int   size     the size the variable asked for
 *  header + 20  int   flags    bits 0-7 kind (OBJECT, INDIRECT), bits 8-15 state (LIVE, FREE),
 *                              bits 16-31 the size class index
 *  header + dataOffset         the data (dataOffset = 24 rounded up to the alignment); for an
 *                              INDIRECT block, an 8-byte address of a dedicated allocation
 * </pre>
 *
 * <p>Headers always live in slabs, which stay mapped until the store closes, so a lock-free reader
 * that reads a stale or reused header reads harmless bytes (the table's version check then rejects
 * what it read) and never touches unmapped memory.
 */
public final class Block
{
    /** Bytes of header before the data (before alignment). */
    public static final int HEADER_LENGTH = 24;
    /** Offset of the parent word. */
    public static final int PARENT_OFFSET = 0;
    /** Offset of the id word. */
    public static final int ID_OFFSET = 8;
    /** Offset of the size int. */
    public static final int SIZE_OFFSET = 16;
    /** Offset of the flags int. */
    public static final int FLAGS_OFFSET = 20;

    /** Kind flag: an object parent (the parent word is its identity hash). */
    public static final int OBJECT = 1;
    /** Kind flag: the data word holds the address of a dedicated allocation. */
    public static final int INDIRECT = 2;
    /** Mask of the kind flags. */
    public static final int KIND_MASK = 0xFF;
    /** State of an allocated block. */
    public static final int STATE_LIVE = 0x5A << 8;
    /** State of a block on a free list or waiting for its grace period. */
    public static final int STATE_FREE = 0xA5 << 8;
    /** Mask of the state bits. */
    public static final int STATE_MASK = 0xFF << 8;
    /** Shift of the size class index. */
    public static final int CLASS_SHIFT = 16;

    /** Poison written over reclaimed data in checked mode (the kernel's POISON_FREE). */
    public static final byte POISON = 0x6B;

    private Block()
    {
    }

    /**
     * The data offset for an alignment.
     *
     * @param alignment a power of two, at least 8.
     * @return 24 rounded up to the alignment.
     */
    public static int dataOffset(final int alignment)
    {
        return (HEADER_LENGTH + alignment - 1) & -alignment;
    }

    /**
     * Read the parent word.
     *
     * @param header block header address.
     * @return the parent word.
     */
    public static long parent(final long header)
    {
        return Memory.getLong(header + PARENT_OFFSET);
    }

    /**
     * Read the id.
     *
     * @param header block header address.
     * @return the id.
     */
    public static long id(final long header)
    {
        return Memory.getLong(header + ID_OFFSET);
    }

    /**
     * Read the size.
     *
     * @param header block header address.
     * @return the size asked for.
     */
    public static int size(final long header)
    {
        return Memory.getInt(header + SIZE_OFFSET);
    }

    /**
     * Read the flags.
     *
     * @param header block header address.
     * @return the flags word.
     */
    public static int flags(final long header)
    {
        return Memory.getInt(header + FLAGS_OFFSET);
    }

    /**
     * The size class index stored in a flags word.
     *
     * @param flags a flags word.
     * @return the class index.
     */
    public static int sizeClass(final int flags)
    {
        return flags >>> CLASS_SHIFT;
    }
}
