package io.shadowvars.internal.table;

import io.shadowvars.ShadowReader;
import io.shadowvars.ShadowStore;
import io.shadowvars.internal.Block;
import io.shadowvars.internal.Memory;
import io.shadowvars.internal.alloc.NativeArena;
import io.shadowvars.internal.alloc.SizeClasses;
import io.shadowvars.internal.alloc.SlabAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A delete that moves no entry clears its slot and leaves the table's version alone; the bump
 * comes later, once, from {@link ShadowTable#publishUnlinks()}, before the unlinked blocks are
 * written again. And a store with readers registered batches those unlinks without losing track of
 * the blocks.
 */
class UnpublishedUnlinkTest
{
    private static final int CAPACITY = 16;

    private final NativeArena arena = new NativeArena(8, Long.MAX_VALUE);
    private final SlabAllocator allocator = new SlabAllocator(new SizeClasses(8), arena, false);
    private final ShadowTable table = new ShadowTable(8, arena);

    @AfterEach
    void close()
    {
        table.close();
        allocator.close();
    }

    @Test
    void shouldClearASlotWithoutTheVersionWhenNothingMovesAndBumpItOnPublish()
    {
        assertEquals(CAPACITY, table.slots.length);
        // A has home 3; B and C home 4: they sit in slots 3, 4 and 5, and A's delete moves neither.
        final long a = parentsWithHome(1, 3)[0];
        final long[] bc = parentsWithHome(2, 4);
        insert(a);
        insert(bc[0]);
        insert(bc[1]);
        final long before = table.version;

        assertFalse(table.removeAt(table.indexOfLong(a, 1, ShadowTable.hashLong(a, 1))));

        assertEquals(before, table.version, "no entry moved: the version is left alone");
        assertTrue(table.hasUnpublishedUnlinks());
        assertEquals(0, table.findLong(a, 1));
        assertNotEquals(0, table.findLong(bc[0], 1));
        assertNotEquals(0, table.findLong(bc[1], 1));

        table.publishUnlinks();
        assertEquals(before + 2, table.version, "one even-to-even bump publishes the unlink");
        assertFalse(table.hasUnpublishedUnlinks());
        table.publishUnlinks();
        assertEquals(before + 2, table.version, "nothing left to publish");
    }

    @Test
    void shouldBumpTheVersionWhenTheDeleteShiftsEntriesBack()
    {
        // Three keys with home 3 sit in slots 3, 4, 5: deleting the first moves the other two back.
        final long[] cluster = parentsWithHome(3, 3);
        for (final long parent : cluster)
        {
            insert(parent);
        }
        final long other = parentsWithHome(1, 9)[0];
        insert(other);
        // An unpublished unlink first, then a delete that moves entries: its bump publishes both.
        assertFalse(table.removeAt(table.indexOfLong(other, 1, ShadowTable.hashLong(other, 1))));
        final long before = table.version;

        assertTrue(table.removeAt(table.indexOfLong(cluster[0], 1, ShadowTable.hashLong(cluster[0], 1))));

        assertEquals(before + 2, table.version);
        assertFalse(table.hasUnpublishedUnlinks(), "the shift's bump published the earlier unlink too");
        assertNotEquals(0, table.findLong(cluster[1], 1));
        assertNotEquals(0, table.findLong(cluster[2], 1));
    }

    @Test
    void shouldCountBatchedFreesAsPendingAndReuseTheirBlocksOnceReadersLetGo()
    {
        try (ShadowStore store = ShadowStore.builder().segments(1).initialCapacity(8).build())
        {
            final long a = parentsWithHome(1, 3)[0];
            final long[] bc = parentsWithHome(2, 4);
            final long address = store.alloc(a, 1, 16);
            store.alloc(bc[0], 1, 16);
            store.alloc(bc[1], 1, 16);
            final ShadowReader reader = store.reader();
            reader.enter();

            assertTrue(store.free(a, 1));

            // Unlinked but not yet retired: counted as pending at once, not reusable.
            final long blockBytes = store.readCounters(new io.shadowvars.ShadowCounters()).pendingFreeBytes();
            assertTrue(blockBytes >= 16, "pending " + blockBytes);
            assertEquals(blockBytes, store.stats().pendingFreeBytes(), "stats() retires the batch, still pending");
            final long other = parentsWithHome(1, 9, 1 << 20)[0];
            assertNotEquals(address, store.alloc(other, 1, 16), "held by a reader in its section");

            reader.exit();
            assertEquals(0, store.stats().pendingFreeBytes(), "the reader let go: released");
            assertEquals(address, store.alloc(parentsWithHome(1, 10, 1 << 20)[0], 1, 16), "the block is reused");
            reader.close();
        }
    }

    private void insert(final long parent)
    {
        final long header = allocator.allocate(8);
        Memory.putLong(header + Block.PARENT_OFFSET, parent);
        Memory.putLong(header + Block.ID_OFFSET, 1);
        assertTrue(table.ensureRoomForOne(0));
        table.insert(ShadowTable.hashLong(parent, 1), header, null);
    }

    private static long[] parentsWithHome(final int count, final int home)
    {
        return parentsWithHome(count, home, 64);
    }

    private static long[] parentsWithHome(final int count, final int home, final long from)
    {
        final List<Long> found = new ArrayList<>();
        for (long parent = from; found.size() < count; parent += 64)
        {
            if (((int)ShadowTable.hashLong(parent, 1) & (CAPACITY - 1)) == home)
            {
                found.add(parent);
            }
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }
}
