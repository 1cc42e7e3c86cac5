package io.shadowvars;

/**
 * A snapshot of a store's counters, taken by {@link ShadowStore#stats()}.
 */
public interface ShadowStats
{
    /**
     * Variables currently allocated.
     *
     * @return the number of live variables.
     */
    long liveVariables();

    /**
     * Sum of the sizes asked for by the live variables.
     *
     * @return bytes of shadow data in use.
     */
    long liveBytes();

    /**
     * Memory held by the store: slabs, dedicated blocks for large variables, and the table.
     *
     * @return bytes reserved.
     */
    long reservedBytes();

    /**
     * Memory freed but not yet reusable because a reader may still hold it.
     *
     * @return bytes of retired blocks waiting for their grace period.
     */
    long pendingFreeBytes();

    /**
     * {@code alloc} calls refused because the {@code <parent, id>} already existed.
     *
     * @return the count since the store was created.
     */
    long duplicateAllocs();

    /**
     * {@code alloc}/{@code getOrAlloc} calls refused for the memory limit or by a constructor.
     *
     * @return the count since the store was created.
     */
    long failedAllocs();

    /**
     * Variables freed because their object parent was collected (weak object parents, see
     * {@link ShadowStore.Builder#weakObjectParents(boolean)}); always 0 in a store with strong
     * object parents.
     *
     * @return the count since the store was created.
     */
    long collectedVariables();
}
