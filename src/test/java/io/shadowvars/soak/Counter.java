package io.shadowvars.soak;

/**
 * What the soak counts: each public operation it called, and the outcomes it provoked on purpose.
 * The short soak test checks that every one of them happened, so no check is vacuous.
 */
enum Counter
{
    /** {@code get(parent, id)}. */
    GET,
    /** {@code get(parent, id, view)}. */
    GET_VIEW,
    /** {@code alloc} without a ctor. */
    ALLOC,
    /** {@code alloc} with a ctor. */
    ALLOC_CTOR,
    /** {@code getOrAlloc} without a ctor. */
    GET_OR_ALLOC,
    /** {@code getOrAlloc} with a ctor. */
    GET_OR_ALLOC_CTOR,
    /** {@code free} without a dtor. */
    FREE,
    /** {@code free} with a dtor. */
    FREE_DTOR,
    /** {@code freeAll} without a dtor. */
    FREE_ALL,
    /** {@code freeAll} with a dtor. */
    FREE_ALL_DTOR,
    /** {@code ShadowReader.enter()}. */
    ENTER,
    /** {@code ShadowReader.exit()}. */
    EXIT,
    /** {@code ShadowReader.quiescent()}. */
    QUIESCENT,
    /** {@code stats()}. */
    STATS,
    /** {@code getOrAlloc} with a counting ctor on a parent every thread races on. */
    RACE,
    /** A look-up of another thread's variable inside a read section, its data checked. */
    PEEK,

    /** Variables created (alloc or getOrAlloc that returned a new address). */
    CREATED,
    /** Variables freed by free or freeAll. */
    FREED,
    /** alloc of an existing variable: refused as a duplicate. */
    DUPLICATE,
    /** A ctor that returned non-zero. */
    CTOR_REFUSED,
    /** A ctor that threw. */
    CTOR_THREW,
    /** A dtor that threw (in free or freeAll). */
    DTOR_THREW,
    /** A peek that found another thread's variable with its pattern written, and checked it. */
    PEEK_CHECKED,
    /**
     * Data got inside a read section (EPOCH) or between quiescent states (QSBR), its own variable's
     * or another thread's, checked again at the end of that section: intact even when it was freed
     * and its size class reused meanwhile.
     */
    HELD_CHECKED,
    /** An object parent dropped after its variables were freed, to be collected. */
    PARENT_DROPPED;

    /** How many there are. */
    static final int COUNT = values().length;
}
