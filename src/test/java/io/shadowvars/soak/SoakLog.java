package io.shadowvars.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where every thread of a soak reports what went wrong: mismatches (a result the model did not
 * expect) and failures (an end-of-round check, an unexpected exception). Keeps the first messages.
 */
final class SoakLog
{
    private static final int KEEP = 30;

    private final AtomicLong mismatches = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<String> messages = new ArrayList<>();

    /**
     * Record a result that differs from the model.
     *
     * @param message what, where, expected and actual.
     */
    void mismatch(final String message)
    {
        mismatches.incrementAndGet();
        keep("mismatch: " + message);
    }

    /**
     * Record a failed check or an unexpected exception.
     *
     * @param message what failed.
     */
    void failure(final String message)
    {
        failures.incrementAndGet();
        keep("failure: " + message);
    }

    long mismatches()
    {
        return mismatches.get();
    }

    long failures()
    {
        return failures.get();
    }

    boolean clean()
    {
        return 0 == mismatches.get() && 0 == failures.get();
    }

    synchronized List<String> messages()
    {
        return new ArrayList<>(messages);
    }

    private synchronized void keep(final String message)
    {
        if (messages.size() < KEEP)
        {
            messages.add(message);
        }
    }
}
