package io.shadowvars.jmh;

/**
 * A side table keyed on (long parent, id) holding a 16-byte record per key: the shadow store or
 * one of its peers. Each benchmark fork uses one implementation, so calls through this interface
 * are monomorphic and inlined.
 */
public interface LongSideTable extends AutoCloseable
{
    /**
     * Add a zeroed record for the key and write {@code value} into its first long.
     *
     * @param parent parent.
     * @param id     id.
     * @param value  first long of the record.
     * @return false when the key existed or memory ran out.
     */
    boolean put(long parent, long id, long value);

    /**
     * Look the key up and read the first long of its record.
     *
     * @param parent parent.
     * @param id     id.
     * @return the first long, or {@link Long#MIN_VALUE} when absent.
     */
    long read(long parent, long id);

    /**
     * Look the key up, adding a zeroed record when absent, and read the record's first long.
     *
     * @param parent parent.
     * @param id     id.
     * @return the first long.
     */
    long readOrCreate(long parent, long id);

    /**
     * Remove the key and give its record back.
     *
     * @param parent parent.
     * @param id     id.
     * @return true when it was present.
     */
    boolean remove(long parent, long id);

    /**
     * Remove every key with this id.
     *
     * @param id id.
     * @return how many were removed.
     */
    int removeAll(long id);

    /** Release everything. */
    @Override
    void close();
}
