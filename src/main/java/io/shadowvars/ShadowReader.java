package io.shadowvars;

/**
 * A thread's read-side handle on a {@link ShadowStore}: the store's RCU read lock.
 *
 * <p>Create one per thread with {@link ShadowStore#reader()} and keep it; a handle belongs to the
 * thread that created it and must not be used from another one (checked mode detects it).
 *
 * <p>In {@link Reclamation#EPOCH} mode, data got between {@link #enter()} and {@link #exit()}
 * stays valid until {@code exit()}, even if another thread frees it meanwhile. In {@link
 * Reclamation#QSBR} mode the thread is protected from registration on, until each
 * {@link #quiescent()} call, and must keep calling it (or close the handle) so that memory can be
 * reused. In {@link Reclamation#NONE} mode every method does nothing (but {@code enter()} after
 * the store's close).
 *
 * <p><b>After {@link ShadowStore#close()}</b>: {@link #enter()} throws
 * {@link IllegalStateException} (a section of a closed store could protect nothing);
 * {@link #exit()}, {@link #quiescent()} and {@link #close()} return normally, because they are how
 * a reader lets go of data it found before the close, which {@code close()} waits for.
 */
public interface ShadowReader extends AutoCloseable
{
    /**
     * Begin a read section. Sections do not nest.
     *
     * @throws IllegalStateException after the store's {@link ShadowStore#close()}; in checked
     *                               mode also when already inside a section, called from another
     *                               thread than the owner, or after {@link #close()}.
     */
    void enter();

    /**
     * End the read section begun by {@link #enter()}: data got inside it may be reused afterwards.
     *
     * @throws IllegalStateException in checked mode, when not inside a section or called from
     *                               another thread than the owner.
     */
    void exit();

    /**
     * Announce a quiescent state (QSBR): this thread holds no shadow data obtained before now.
     * Needs no {@link #enter()}/{@link #exit()}. In EPOCH mode it is allowed outside a section and
     * does nothing.
     *
     * @throws IllegalStateException in checked mode, when called from another thread than the
     *                               owner, or in EPOCH mode from inside a section.
     */
    void quiescent();

    /**
     * Unregister this handle; it no longer holds memory back. Idempotent. Works after the store's
     * close too.
     *
     * @throws IllegalStateException in checked mode, when called from another thread than the
     *                               owner while the owner is alive, or from inside a read section;
     *                               from inside a constructor or destructor of the store.
     */
    @Override
    void close();
}
