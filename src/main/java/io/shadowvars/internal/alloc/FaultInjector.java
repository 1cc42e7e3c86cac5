package io.shadowvars.internal.alloc;

/**
 * For tests: makes a store's memory requests fail at chosen points, as when the operating system
 * refuses {@code malloc} or the heap is full, so that the failure paths can be exercised. Set on a
 * {@link NativeArena} with {@link NativeArena#faults(FaultInjector)}; with none set (the only state
 * outside tests) the arena reads one field on its slow paths (a new slab, a dedicated block, a
 * table growth) and nothing on the common path.
 *
 * <p>Called on the allocating thread, under the requesting segment's write lock (slabs, dedicated
 * blocks, table growth) and possibly from several segments at once: an implementation must be
 * thread-safe if more than one thread allocates.
 */
@FunctionalInterface
public interface FaultInjector
{
    /** Where the memory was asked for. */
    enum Site
    {
        /** A new slab for a size class (native, from the arena). */
        SLAB,
        /** A dedicated block for a large variable's data (native, from the arena). */
        DEDICATED,
        /** A table's larger slot array when it grows (heap, counted against the cap). */
        TABLE,
        /** A table's array of object parents (heap): the first one, and each larger one as the table grows. */
        REFS,
        /** {@code freeAll}'s scratch arrays (heap); refused, {@code freeAll} unlinks one variable at a time. */
        SCRATCH
    }

    /**
     * Decide the fate of one memory request, before it is made.
     *
     * @param site  what is asked for.
     * @param bytes how much.
     * @return true to make the request fail as if the memory were refused (the arena's
     * {@code malloc} returning null); false to let it proceed. May instead throw
     * {@link OutOfMemoryError}, as {@code Unsafe.allocateMemory} and {@code new long[n]} do.
     */
    boolean fail(Site site, long bytes);
}
