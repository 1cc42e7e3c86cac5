package io.shadowvars.jmh;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class LongSpscRingPad0
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

/** The producer's line: its index and its last view of the consumer's. */
abstract class LongSpscRingProducer extends LongSpscRingPad0
{
    static final VarHandle TAIL;

    static
    {
        try
        {
            TAIL = MethodHandles.lookup().findVarHandle(LongSpscRingProducer.class, "tail", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Next slot the producer writes; written by the producer only (release). */
    long tail;
    /** The producer's cached copy of {@code head}: read the shared one only when this says full. */
    long headCache;
}

abstract class LongSpscRingPad1 extends LongSpscRingProducer
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

/** The consumer's line: its index and its last view of the producer's. */
abstract class LongSpscRingConsumer extends LongSpscRingPad1
{
    static final VarHandle HEAD;

    static
    {
        try
        {
            HEAD = MethodHandles.lookup().findVarHandle(LongSpscRingConsumer.class, "head", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Next slot the consumer reads; written by the consumer only (release). */
    long head;
    /** The consumer's cached copy of {@code tail}: read the shared one only when this says empty. */
    long tailCache;
}

abstract class LongSpscRingPad2 extends LongSpscRingConsumer
{
    byte p200, p201, p202, p203, p204, p205, p206, p207;
    byte p210, p211, p212, p213, p214, p215, p216, p217;
    byte p220, p221, p222, p223, p224, p225, p226, p227;
    byte p230, p231, p232, p233, p234, p235, p236, p237;
    byte p240, p241, p242, p243, p244, p245, p246, p247;
    byte p250, p251, p252, p253, p254, p255, p256, p257;
    byte p260, p261, p262, p263, p264, p265, p266, p267;
    byte p270, p271, p272, p273, p274, p275, p276, p277;
}

/**
 * A bounded single-producer, single-consumer queue of non-zero {@code long}s that allocates
 * nothing after construction: a Lamport ring over a {@code long[]} whose two indexes sit on cache
 * lines of their own (byte padding through a class chain, as JCTools does), each side keeping a
 * cached copy of the other's index so that it reads the shared one only when the cache says
 * full or empty. The producer publishes a slot with a release store of {@code tail}; the consumer
 * hands it back with a release store of {@code head}; each reads the other's index with acquire.
 *
 * <p>One thread may call the producer methods ({@link #offer}, {@link #hasRoom}) and one thread
 * the consumer methods ({@link #poll}, {@link #isEmpty}) at a time. {@link #size()} may be called
 * by anyone and is exact only while neither side moves. Handing a side to another thread needs a
 * happens-before edge between the two (as JMH's iteration barriers give).
 */
public final class LongSpscRing extends LongSpscRingPad2
{
    /** What {@link #poll()} returns when the ring is empty; never a valid element. */
    public static final long EMPTY = 0;

    private final long[] slots;
    private final int mask;

    /**
     * Create an empty ring.
     *
     * @param capacity how many elements it holds at most: a power of two, at least 2.
     * @throws IllegalArgumentException when capacity is not a power of two of at least 2.
     */
    public LongSpscRing(final int capacity)
    {
        if (capacity < 2 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two, at least 2: " + capacity);
        }
        // Two lines of padding on each side of the elements, against neighbours on the heap.
        slots = new long[capacity + 32];
        mask = capacity - 1;
        TAIL.setRelease(this, 0L);
        HEAD.setRelease(this, 0L);
    }

    /**
     * How many elements the ring holds at most.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return mask + 1;
    }

    /**
     * Producer: whether {@link #offer} would succeed now (and will until the producer offers, since
     * the consumer only makes room).
     *
     * @return true when there is a free slot.
     */
    public boolean hasRoom()
    {
        final long tail = this.tail;
        if (tail - headCache <= mask)
        {
            return true;
        }
        headCache = (long)HEAD.getAcquire(this);
        return tail - headCache <= mask;
    }

    /**
     * Producer: append an element.
     *
     * @param value a non-zero value.
     * @return false when the ring is full (nothing changed).
     * @throws IllegalArgumentException when value is {@link #EMPTY}.
     */
    public boolean offer(final long value)
    {
        if (EMPTY == value)
        {
            throw new IllegalArgumentException("0 cannot be queued");
        }
        if (!hasRoom())
        {
            return false;
        }
        final long tail = this.tail;
        slots[16 + (int)(tail & mask)] = value;
        TAIL.setRelease(this, tail + 1);
        return true;
    }

    /**
     * Consumer: whether {@link #poll} would find nothing now.
     *
     * @return true when empty.
     */
    public boolean isEmpty()
    {
        final long head = this.head;
        if (head < tailCache)
        {
            return false;
        }
        tailCache = (long)TAIL.getAcquire(this);
        return head >= tailCache;
    }

    /**
     * Consumer: take the oldest element.
     *
     * @return the element, or {@link #EMPTY} when the ring is empty.
     */
    public long poll()
    {
        if (isEmpty())
        {
            return EMPTY;
        }
        final long head = this.head;
        final long value = slots[16 + (int)(head & mask)];
        HEAD.setRelease(this, head + 1);
        return value;
    }

    /**
     * The number of elements, from the two indexes; exact while neither side moves.
     *
     * @return how many elements the ring holds.
     */
    public int size()
    {
        final long head = (long)HEAD.getAcquire(this);
        final long tail = (long)TAIL.getAcquire(this);
        return (int)Math.max(0, Math.min(tail - head, mask + 1L));
    }
}
