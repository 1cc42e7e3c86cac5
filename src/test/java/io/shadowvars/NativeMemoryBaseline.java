package io.shadowvars;

import net.openhft.chronicle.core.OS;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Base of tests that create stores: every store made through {@link #track(ShadowStore)} is closed
 * after the test, and the native memory Chronicle reports as in use must then be back where it was
 * before the test (nothing leaked), as Chronicle Bytes' own test base checks.
 */
abstract class NativeMemoryBaseline
{
    private final List<ShadowStore> stores = new ArrayList<>();
    private long nativeBefore;

    @BeforeEach
    final void recordNativeBaseline()
    {
        nativeBefore = OS.memory().nativeMemoryUsed();
    }

    @AfterEach
    final void closeStoresAndCheckForLeaks()
    {
        for (final ShadowStore store : stores)
        {
            store.close();
        }
        stores.clear();
        assertEquals(nativeBefore, OS.memory().nativeMemoryUsed(), "native memory leaked by the test's stores");
    }

    final ShadowStore track(final ShadowStore store)
    {
        stores.add(store);
        return store;
    }
}
