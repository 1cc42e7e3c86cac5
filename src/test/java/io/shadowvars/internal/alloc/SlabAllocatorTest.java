package io.shadowvars.internal.alloc;

import io.shadowvars.internal.Block;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocator on its own: size classes, reuse, double-free detection, the cap, large blocks, and
 * the runs that segments' allocators cut from the store's shared slabs.
 */
class SlabAllocatorTest
{
    private SlabAllocator allocator;

    @AfterEach
    void close()
    {
        if (null != allocator)
        {
            allocator.close();
            assertEquals(0, allocator.reservedBytes());
        }
    }

    @Test
    void shouldDetectDoubleFree()
    {
        allocator = new SlabAllocator(8, Long.MAX_VALUE, true);
        final long header = allocator.allocate(16);
        allocator.markFreed(header);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> allocator.markFreed(header));
        assertTrue(ex.getMessage().contains("double free"), ex.getMessage());
    }

    @Test
    void shouldReuseFreedBlocksOfTheSameClassLastInFirstOut()
    {
        allocator = new SlabAllocator(8, Long.MAX_VALUE, false);
        final long a = allocator.allocate(16);
        final long b = allocator.allocate(12);
        assertNotEquals(a, b);
        allocator.markFreed(a);
        allocator.release(a);
        assertEquals(a, allocator.allocate(9), "sizes 9..16 share a class with 8-byte alignment");
        assertNotEquals(a, allocator.allocate(17));
    }

    @Test
    void shouldRecordSizeAndClassInTheHeader()
    {
        allocator = new SlabAllocator(16, Long.MAX_VALUE, false);
        final long header = allocator.allocate(100);
        assertEquals(100, Block.size(header));
        assertEquals(Block.STATE_LIVE, Block.flags(header) & Block.STATE_MASK);
        assertEquals(0, allocator.dataAddress(header) % 16);
        assertTrue(allocator.blockBytes(header) >= 100 + Block.HEADER_LENGTH);
    }

    @Test
    void shouldRefuseAtTheCapAndCountEveryByte()
    {
        allocator = new SlabAllocator(8, 64 * 1024, false);
        final Set<Long> headers = new HashSet<>();
        long header;
        while (0 != (header = allocator.allocate(40)))
        {
            assertTrue(headers.add(header));
        }
        assertTrue(allocator.reservedBytes() <= 64 * 1024);
        assertEquals(0, allocator.allocate(100_000), "a large block over the cap is refused too");
    }

    @Test
    void shouldGiveLargeBlocksTheirOwnMemoryAndReturnIt()
    {
        allocator = new SlabAllocator(64, Long.MAX_VALUE, false);
        final long header = allocator.allocate(1 << 20);
        assertTrue((Block.flags(header) & Block.INDIRECT) != 0);
        final long reserved = allocator.reservedBytes();
        assertTrue(reserved > 1 << 20);
        assertEquals(0, allocator.dataAddress(header) % 64);
        allocator.markFreed(header);
        allocator.release(header);
        assertTrue(allocator.reservedBytes() < 1 << 20, "the dedicated block is given back on release");
    }
    @Test
    void shouldCutEverySegmentsRunsFromOneSharedSlabPerClass()
    {
        final SizeClasses classes = new SizeClasses(8);
        final NativeArena arena = new NativeArena(8, Long.MAX_VALUE);
        final int segments = 64;
        final int perSegment = 2000;
        final SlabAllocator[] allocators = new SlabAllocator[segments];
        for (int s = 0; s < segments; s++)
        {
            allocators[s] = new SlabAllocator(classes, arena, false);
        }
        final int stride = classes.stride(classes.classOf(16));
        final long[] blocks = new long[segments * perSegment];
        try
        {
            // The segments take turns, so their runs interleave in the shared slabs.
            int n = 0;
            for (int round = 0; round < perSegment; round++)
            {
                for (final SlabAllocator segment : allocators)
                {
                    blocks[n] = segment.allocate(16);
                    assertNotEquals(0, blocks[n++]);
                }
            }
            Arrays.sort(blocks);
            for (int i = 1; i < blocks.length; i++)
            {
                assertTrue(blocks[i] - blocks[i - 1] >= stride, "blocks overlap at 0x" + Long.toHexString(blocks[i]));
            }
            // Unused: each segment's last run (at most 4 KiB), the shared slab's rest (under one
            // 64 KiB slab), and a run's or slab's tail too short for a block (under 1%). With a
            // slab per segment and class, as before the slabs were shared, each segment left half
            // a 64 KiB slab unused on average: about 3 MB more here.
            final long used = (long)blocks.length * stride;
            assertTrue(arena.reservedBytes() <= used + segments * 4096L + 64 * 1024 + used / 100,
                "reserved " + arena.reservedBytes() + " for " + used + " bytes of blocks");
        }
        finally
        {
            arena.close();
        }
        assertEquals(0, arena.reservedBytes());
    }
    @Test
    void shouldStartEveryRunOnACacheLineSoSegmentsNeverShareOne()
    {
        final NativeArena arena = new NativeArena(8, Long.MAX_VALUE);
        try
        {
            long previous = 0;
            for (int i = 0; i < 100; i++)
            {
                // Runs of whole lines, of two sizes, as two segments of one class would take them.
                final long run = arena.takeRun(1, 40, 0 == (i & 1) ? 320 : 640);
                assertNotEquals(0, run);
                assertEquals(0, run % 64, "run " + i + " at 0x" + Long.toHexString(run));
                assertNotEquals(previous, run);
                previous = run;
            }
        }
        finally
        {
            arena.close();
        }
    }
}
