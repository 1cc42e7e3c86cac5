package io.shadowvars.jmh;

/**
 * A side table keyed on (parent object identity, id) holding a 16-byte record per key.
 */
public interface ObjectSideTable extends AutoCloseable
{
    /**
     * Add a zeroed record for the key and write {@code value} into its first long.
     *
     * @param parent parent.
     * @param id     id.
     * @param value  first long of the record.
     * @return false when the key existed.
     */
    boolean put(Keys.Parent parent, long id, long value);

    /**
     * Look the key up and read the first long of its record.
     *
     * @param parent parent.
     * @param id     id.
     * @return the first long, or {@link Long#MIN_VALUE} when absent.
     */
    long read(Keys.Parent parent, long id);

    /**
     * Remove the key.
     *
     * @param parent parent.
     * @param id     id.
     * @return true when it was present.
     */
    boolean remove(Keys.Parent parent, long id);

    /** Release everything. */
    @Override
    void close();
}
