package io.shadowvars.demo;

/**
 * The ids and the data layout of the shadow variables the pipeline attaches to a packet buffer, and
 * the rule that says which buffers get which extras. Every field is a {@code long} so that the same
 * layout serves the off-heap store (byte offsets) and the {@code long[]} side table of the peer
 * (offset / 8).
 */
final class RxMeta
{
    // Numbered as the kernel numbers its shadow ids (SV_LEAK 1, ...): ids that differ only in their
    // two low bits share their parent's neighbourhood of slots, so the consumer's three lookups
    // of a buffer read one or two lines of the store's table (docs/DEMO.md, "Configuration").

    /** Receive metadata, attached to every buffer with {@code getOrAlloc}. */
    static final long RX_META_ID = 1;

    /** Routing data of a buffer that is "in flight" (the kernel doc's in-flight parent objects). */
    static final long IN_FLIGHT_ID = 2;

    /** A size-0 variable used as a flag (the kernel doc's "other use cases"). */
    static final long FLAG_ID = 3;

    /** Offset of the sequence number the producer gave the packet. */
    static final int SEQ = 0;

    /** Offset of the receive timestamp ({@link System#nanoTime()}). */
    static final int RX_NANOS = 8;

    /** Offset of the flags ({@link #HAS_IN_FLIGHT}, {@link #HAS_FLAG}). */
    static final int FLAGS = 16;

    /** Offset of the id (from 1) of the consumer that handled the packet; 0 until then. */
    static final int CONSUMER = 24;

    /** Offset of the consumer's timestamp. */
    static final int CONSUMED_NANOS = 32;

    /** The last word of the metadata holds {@code seq ^ CHECK_MAGIC}, so the whole size is written. */
    static final long CHECK_MAGIC = 0x5eed_c0de_cafe_f00dL;

    /** Smallest metadata size: the five fields above plus the check word. */
    static final int MIN_META_BYTES = 48;

    /** Size of the in-flight variable: {@code seq ^ ROUTE_MAGIC}, then the slot. */
    static final int IN_FLIGHT_BYTES = 16;

    /** Value in word 0 of the in-flight variable is {@code seq ^ ROUTE_MAGIC}. */
    static final long ROUTE_MAGIC = 0x0123_4567_89ab_cdefL;

    /** Flag bit: the buffer carries an {@link #IN_FLIGHT_ID} variable. */
    static final long HAS_IN_FLIGHT = 1;

    /** Flag bit: the buffer carries a {@link #FLAG_ID} variable. */
    static final long HAS_FLAG = 2;

    private RxMeta()
    {
    }

    /**
     * Which extras the packet with this sequence number gets: a quarter get an in-flight variable,
     * a third a flag, some both.
     *
     * @param seq the packet's sequence number.
     * @return the flags.
     */
    static long flagsFor(final long seq)
    {
        long flags = 0;
        if ((seq & 3) == 0)
        {
            flags |= HAS_IN_FLIGHT;
        }
        if (seq % 3 == 0)
        {
            flags |= HAS_FLAG;
        }
        return flags;
    }

    /**
     * Offset of the check word in metadata of this size.
     *
     * @param metaBytes the metadata size.
     * @return the offset of its last {@code long}.
     */
    static int checkOffset(final int metaBytes)
    {
        return metaBytes - 8;
    }
}
