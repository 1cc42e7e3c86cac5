package io.shadowvars.demo;

/**
 * Where the pipeline keeps per-buffer metadata: the shadow store, or a peer for comparison. The
 * pipeline only talks to this interface, so both run exactly the same steps; one run loads one
 * implementation, so the calls stay monomorphic.
 */
interface SideTable extends AutoCloseable
{
    /**
     * A short name for reports.
     *
     * @return e.g. {@code "shadowvars"}.
     */
    String name();

    /**
     * A handle for the calling thread; create one per thread and keep it.
     *
     * @return a new session owned by the calling thread.
     */
    Session session();

    /**
     * Live variables now. Called by the reporting thread only; takes no lock of the table's writers.
     *
     * @return the count.
     */
    long liveVariables();

    /**
     * Native memory held, or -1 when the table lives on the Java heap. Reporting thread only.
     *
     * @return bytes, or -1.
     */
    long reservedBytes();

    /**
     * Freed bytes still waiting for readers, or -1 when that does not apply. Reporting thread only.
     *
     * @return bytes, or -1.
     */
    long pendingFreeBytes();

    /**
     * Allocations refused because the variable existed, or -1 when the table does not count them.
     * Reporting thread only.
     *
     * @return the count, or -1.
     */
    long duplicateAllocs();

    /**
     * Allocations refused for memory or by a constructor, or -1 when the table does not count them.
     * Reporting thread only.
     *
     * @return the count, or -1.
     */
    long failedAllocs();

    /**
     * After the drain: let the table release what no reader holds any more, so that the figures
     * read next are settled. A no-op for a table without deferred reclamation.
     */
    void settle();

    /**
     * Release everything.
     */
    @Override
    void close();

    /**
     * One thread's view of the table: the calls the pipeline makes, and a cursor over the last
     * variable found or made, read and written through {@link #getLong(int)}/{@link #putLong(int, long)}.
     */
    interface Session extends AutoCloseable
    {
        /**
         * {@code getOrAlloc(parent, RX_META_ID, size, ctor, rx)}: the constructor writes {@code rx} into
         * the new variable and sets {@link RxInfo#constructed}.
         *
         * @param parent the buffer address.
         * @param size   the metadata size.
         * @param rx     the constructor data.
         * @return false when the table refused (the store returned 0).
         */
        boolean getOrAllocMeta(long parent, int size, RxInfo rx);

        /**
         * {@code alloc(parent, id, size, ctor, rx)} for an extra variable.
         *
         * @param parent the buffer address.
         * @param id     {@link RxMeta#IN_FLIGHT_ID} or {@link RxMeta#FLAG_ID}.
         * @param size   its size.
         * @param rx     the constructor data.
         * @return false when refused (duplicate or out of memory).
         */
        boolean alloc(long parent, long id, int size, RxInfo rx);

        /**
         * {@code get(parent, id)}; when found, the cursor moves to it.
         *
         * @param parent the buffer address.
         * @param id     the variable's id.
         * @return false when absent.
         */
        boolean find(long parent, long id);

        /**
         * Read a word of the variable under the cursor.
         *
         * @param offset a multiple of 8.
         * @return the value.
         */
        long getLong(int offset);

        /**
         * Write a word of the variable under the cursor.
         *
         * @param offset a multiple of 8.
         * @param value  the value.
         */
        void putLong(int offset, long value);

        /**
         * {@code free(parent, id)}.
         *
         * @param parent the buffer address.
         * @param id     the variable's id.
         * @return false when absent.
         */
        boolean free(long parent, long id);

        /**
         * Begin a read section (EPOCH); a no-op otherwise.
         */
        void enter();

        /**
         * End a read section (EPOCH); a no-op otherwise.
         */
        void exit();

        /**
         * Announce a quiescent state (QSBR); a no-op otherwise.
         */
        void quiescent();

        /**
         * Unregister this thread.
         */
        @Override
        void close();
    }
}
