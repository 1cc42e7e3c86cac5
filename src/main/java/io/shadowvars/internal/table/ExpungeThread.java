package io.shadowvars.internal.table;

import java.lang.ref.Reference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The optional background expunger of a weak-parent store ({@code ShadowStore.startExpungeThread()}):
 * a daemon thread that blocks on the store's {@link java.lang.ref.ReferenceQueue} and, each time
 * the garbage collector queues a collected parent, expunges it and everything queued meanwhile
 * ({@link CollectedParents#drainAfter}), with the same three steps as {@code expungeCollected()}:
 * so {@code onParentCollected} runs on this thread with no lock of the store held. It does not
 * poll: it sleeps in {@link java.lang.ref.ReferenceQueue#remove()} until there is work or it is
 * told to stop.
 *
 * <h2>Stopping without disturbing a callback</h2>
 * {@link #stop(long)} sets {@code stopping} and interrupts the thread only while it waits in
 * {@code remove()}: both under {@link #lock}, where the thread also sets {@code waiting} before it
 * waits and clears it (and its interrupt status) after. So an interrupt reaches the thread only
 * in {@code remove()}, never inside {@code onParentCollected} (a callback doing I/O would see a
 * stray interrupt as a failure), and a stop that comes while the thread is expunging is seen at the
 * top of its loop, after that batch. An interrupt from elsewhere while it waits is ignored.
 *
 * <p>Thread-safe: {@link #start()} once, then {@link #stop(long)} from any thread, any number of
 * times.
 */
public final class ExpungeThread
{
    private static final System.Logger LOGGER = System.getLogger("io.shadowvars");
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final CollectedParents collected;
    private final Thread thread;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}: the thread is in, or about to enter, {@code remove()}. */
    private boolean waiting;
    /** Guarded by {@link #lock}: stop was asked for. */
    private boolean stopping;

    /**
     * A background expunger for one store, not started yet. Its thread is a daemon named
     * {@code shadowvars-expunge-<n>} ({@code n} counts the expunge threads this JVM has made) and
     * does not inherit inheritable thread-locals.
     *
     * @param collected the store's weak-parent side.
     */
    public ExpungeThread(final CollectedParents collected)
    {
        this.collected = collected;
        this.thread = new Thread(null, this::run, "shadowvars-expunge-" + NEXT.incrementAndGet(), 0, false);
        thread.setDaemon(true);
    }

    /**
     * Start the thread. Call once.
     */
    public void start()
    {
        thread.start();
    }

    /**
     * The thread's name.
     *
     * @return {@code shadowvars-expunge-<n>}.
     */
    public String name()
    {
        return thread.getName();
    }

    /**
     * Ask the thread to stop, without waiting. It ends at once when it is waiting for work, or
     * after the batch it is expunging. Idempotent.
     */
    public void requestStop()
    {
        synchronized (lock)
        {
            stopping = true;
            if (waiting)
            {
                thread.interrupt();
            }
        }
    }

    /**
     * Ask the thread to stop and wait, up to a bound, until it has ended. Called from the thread
     * itself, it only asks.
     *
     * @param timeoutNanos how long to wait at most.
     * @return true when the thread has ended (or was never started).
     */
    public boolean stop(final long timeoutNanos)
    {
        requestStop();
        if (Thread.currentThread() == thread)
        {
            return false;
        }
        boolean interrupted = false;
        final long deadline = System.nanoTime() + timeoutNanos;
        try
        {
            while (thread.isAlive())
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    return false;
                }
                try
                {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
                catch (final InterruptedException ex)
                {
                    // Keep the caller's interrupt for later; the stop itself cannot be undone.
                    interrupted = true;
                }
            }
            return true;
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run()
    {
        while (true)
        {
            synchronized (lock)
            {
                if (stopping)
                {
                    return;
                }
                waiting = true;
            }
            Reference<?> first = null;
            try
            {
                first = collected.queue().remove();
            }
            catch (final InterruptedException ex)
            {
                // From stop() (seen at the top of the loop), or a stray one: wait again.
            }
            finally
            {
                synchronized (lock)
                {
                    waiting = false;
                    // No interrupt comes after this point: stop() interrupts only while waiting.
                    Thread.interrupted();
                }
            }
            if (null != first)
            {
                expunge(first);
            }
        }
    }

    private void expunge(final Reference<?> first)
    {
        try
        {
            collected.drainAfter(first);
        }
        catch (final RuntimeException | Error ex)
        {
            // drainAfter logs the callback's exceptions itself; anything else is a bug of the
            // store. Logged, not fatal: the thread goes on serving the queue.
            if (LOGGER.isLoggable(System.Logger.Level.WARNING))
            {
                LOGGER.log(System.Logger.Level.WARNING, thread.getName() + ": expunging failed", ex);
            }
        }
    }
}
