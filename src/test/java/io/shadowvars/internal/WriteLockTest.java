package io.shadowvars.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's write lock on its own. Its use by the store is covered by the contract tests (a
 * call from inside a callback), Lincheck (linearizability of every writer) and jcstress (one
 * constructor per racing getOrAlloc).
 */
class WriteLockTest
{
    private long counter;

    @Test
    void shouldExcludeOtherThreads() throws InterruptedException
    {
        final WriteLock lock = new WriteLock();
        final int perThread = 2_000_000;
        final CountDownLatch start = new CountDownLatch(1);
        final Runnable work = () ->
        {
            try
            {
                start.await();
            }
            catch (final InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
            for (int i = 0; i < perThread; i++)
            {
                lock.lock();
                try
                {
                    counter++; // a plain read-modify-write: lost updates if exclusion failed
                }
                finally
                {
                    lock.unlock();
                }
            }
        };
        final Thread a = new Thread(work);
        final Thread b = new Thread(work);
        a.start();
        b.start();
        start.countDown();
        a.join();
        b.join();
        assertEquals(2L * perThread, counter);
    }

    @Test
    void shouldRefuseTheHolderAskingAgainInsteadOfDeadlocking()
    {
        final WriteLock lock = new WriteLock();
        lock.lock();
        assertTrue(lock.isHeldByCurrentThread());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, lock::lock);
        assertTrue(ex.getMessage().contains("inside a ctor or dtor"), ex.getMessage());
        assertTrue(lock.isHeldByCurrentThread(), "the refused attempt left the lock held");
        lock.unlock();
        assertFalse(lock.isHeldByCurrentThread());
        lock.lock();
        lock.unlock();
    }

    @Test
    void shouldNotCountAnotherThreadAsTheHolder() throws InterruptedException
    {
        final WriteLock lock = new WriteLock();
        lock.lock();
        final boolean[] seen = new boolean[1];
        final Thread other = new Thread(() -> seen[0] = lock.isHeldByCurrentThread());
        other.start();
        other.join();
        lock.unlock();
        assertFalse(seen[0]);
    }
}
