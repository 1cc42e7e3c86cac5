package io.shadowvars;

/**
 * A caller-owned holder for a store's counters, filled by {@link ShadowStore#readCounters} without
 * taking any lock and without allocating: for monitoring threads and hot paths, where
 * {@link ShadowStore#stats()} (every segment's lock, a new object) does not fit.
 *
 * <p>Each figure is the sum of the segments' own counters, each read atomically while writers go
 * on, so the figures are not one consistent snapshot (a variable may be counted live in one and
 * its bytes not yet in another) and pending bytes are not released first; {@code stats()} gives
 * the consistent view. Not thread-safe: one holder per reading thread.
 */
public final class ShadowCounters implements ShadowStats
{
    long liveVariables;
    long liveBytes;
    long reservedBytes;
    long pendingFreeBytes;
    long duplicateAllocs;
    long failedAllocs;
    long collectedVariables;

    /** An empty holder, to be filled by {@link ShadowStore#readCounters(ShadowCounters)}. */
    public ShadowCounters()
    {
    }

    /** {@inheritDoc} */
    @Override
    public long liveVariables()
    {
        return liveVariables;
    }

    /** {@inheritDoc} */
    @Override
    public long liveBytes()
    {
        return liveBytes;
    }

    /** {@inheritDoc} */
    @Override
    public long reservedBytes()
    {
        return reservedBytes;
    }

    /** {@inheritDoc} */
    @Override
    public long pendingFreeBytes()
    {
        return pendingFreeBytes;
    }

    /** {@inheritDoc} */
    @Override
    public long duplicateAllocs()
    {
        return duplicateAllocs;
    }

    /** {@inheritDoc} */
    @Override
    public long failedAllocs()
    {
        return failedAllocs;
    }

    /** {@inheritDoc} */
    @Override
    public long collectedVariables()
    {
        return collectedVariables;
    }

    /**
     * The figures, for logs.
     *
     * @return a description (allocates).
     */
    @Override
    public String toString()
    {
        return "ShadowCounters{live=" + liveVariables + ", liveBytes=" + liveBytes + ", reserved=" + reservedBytes +
            ", pending=" + pendingFreeBytes + ", duplicates=" + duplicateAllocs + ", failed=" + failedAllocs +
            ", collected=" + collectedVariables + "}";
    }
}
