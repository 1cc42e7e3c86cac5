package io.shadowvars;

import io.shadowvars.internal.table.ShadowTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ShadowStore.Builder#regionSize(long)}: long parents of one aligned region share a
 * segment, and every operation of a store finds its variables through the same choice (a path
 * that used the default region size would look in the wrong segment and miss).
 */
class RegionSizeTest extends NativeMemoryBaseline
{
    private static final int SEGMENTS = 16;

    @ParameterizedTest(name = "region 2^{0}")
    @ValueSource(ints = {0, 6, 14, 16, 20, 30, 40})
    void shouldPutEveryParentOfARegionOnOneSegmentAndSpreadTheRegions(final int shift)
    {
        final long base = 0x7f00_0000_0000L & -(1L << shift);
        final long size = 1L << shift;
        final int segment = ShadowTable.segmentOf(base, shift, SEGMENTS);
        for (long offset = 0; offset < Math.min(size, 1 << 20); offset += Math.max(1, size >>> 10))
        {
            assertEquals(segment, ShadowTable.segmentOf(base + offset, shift, SEGMENTS), "offset " + offset);
        }
        assertEquals(segment, ShadowTable.segmentOf(base + size - 1, shift, SEGMENTS), "the region's last byte");
        final Set<Integer> used = new HashSet<>();
        for (long region = 0; region < 64; region++)
        {
            used.add(ShadowTable.segmentOf(base + (region << shift), shift, SEGMENTS));
        }
        assertTrue(used.size() >= SEGMENTS * 3 / 4, "64 consecutive regions use " + used.size() + " of 16 segments");
        if (14 == shift)
        {
            assertEquals(ShadowTable.segmentOf(base, SEGMENTS), segment, "the default region size is 16 KiB");
        }
    }

    @ParameterizedTest(name = "{0} segments")
    @ValueSource(ints = {1, 2, 8, 16, 32, 128, 1024})
    void shouldKeepEachChunkOnOneGroupAndSpreadItsRegionsOverTheGroup(final int segments)
    {
        final int shift = ShadowTable.REGION_SHIFT;
        final long chunkBytes = (long)ShadowTable.CHUNK_REGIONS << shift;
        final int groupSize = Math.min(ShadowTable.GROUP_SIZE, segments);
        final Set<Integer> everywhere = new HashSet<>();
        for (long chunk = 0; chunk < 256; chunk++)
        {
            final long base = 0x7f3a_0000_0000L + chunk * chunkBytes;
            final Set<Integer> group = new HashSet<>();
            for (int region = 0; region < ShadowTable.CHUNK_REGIONS; region++)
            {
                final int segment = ShadowTable.segmentOf(base + ((long)region << shift), segments);
                assertTrue(segment >= 0 && segment < segments, "segment " + segment + " of " + segments);
                group.add(segment);
            }
            assertEquals(groupSize, group.size(), "chunk " + chunk + " covers its whole group and nothing more");
            for (final int stride : new int[] {1, 2, 4, 8, 16})
            {
                // A run of regions at a power-of-two stride (a pool of 16 KiB .. 256 KiB buffers)
                // falls on as many different segments as the group has, never on a few.
                final Set<Integer> run = new HashSet<>();
                for (int k = 0; k < groupSize; k++)
                {
                    run.add(ShadowTable.segmentOf(base + ((long)k * stride << shift), segments));
                }
                assertEquals(groupSize, run.size(), "chunk " + chunk + ", stride " + stride + " regions");
            }
            for (final long earlier : new long[] {chunk - 1, chunk - 2})
            {
                if (earlier < 0)
                {
                    continue;
                }
                final int here = ShadowTable.segmentOf(base, segments);
                final int there = ShadowTable.segmentOf(base - (chunk - earlier) * chunkBytes, segments);
                final boolean sameGroup = here % (segments / groupSize) == there % (segments / groupSize);
                for (int region = 0; region < ShadowTable.CHUNK_REGIONS; region += 7)
                {
                    final int segment = ShadowTable.segmentOf(base - (chunk - earlier) * chunkBytes + ((long)region << shift), segments);
                    assertEquals(sameGroup, group.contains(segment),
                        "chunks " + earlier + " and " + chunk + " share segments only when they share a group");
                }
            }
            everywhere.addAll(group);
        }
        assertEquals(segments, everywhere.size(), "256 chunks use every segment");
    }

    @ParameterizedTest(name = "region {0} bytes")
    @ValueSource(longs = {64, 1 << 20, 1L << 30})
    void shouldFindAllocateAndFreeEveryVariableWithARegionSizeOfItsOwn(final long regionSize)
    {
        final ShadowStore store = track(ShadowStore.builder().segments(SEGMENTS).regionSize(regionSize).build());
        assertEquals(regionSize, store.regionSize());
        final int count = 5_000;
        final long[] parents = new long[count];
        for (int i = 0; i < count; i++)
        {
            // Parents 4 KiB apart: many per region for the large sizes, one per region for 64 bytes.
            parents[i] = 0x10_0000_0000L + 4096L * i;
            final long address = store.alloc(parents[i], 1, 16);
            assertNotEquals(0, address, "alloc #" + i);
            new UnsafeBuffer(address, 16).putLong(0, parents[i]);
            assertEquals(address, store.getOrAlloc(parents[i], 1, 16), "getOrAlloc finds #" + i);
            assertNotEquals(0, store.alloc(parents[i], 2, 8), "a second id of #" + i);
        }
        assertEquals(0, store.alloc(parents[7], 1, 16), "a duplicate is refused");
        final UnsafeBuffer view = new UnsafeBuffer(new byte[1]);
        for (int i = 0; i < count; i++)
        {
            assertTrue(store.get(parents[i], 1, view), "get #" + i);
            assertEquals(parents[i], view.getLong(0), "#" + i + "'s data");
        }
        for (int i = 0; i < count; i += 2)
        {
            assertTrue(store.free(parents[i], 1), "free #" + i);
        }
        for (int i = 0; i < count; i++)
        {
            assertEquals(i % 2 == 1, 0 != store.get(parents[i], 1), "#" + i + " after freeing the even ones");
        }
        assertEquals(count / 2, store.freeAll(1));
        assertEquals(count, store.freeAll(2));
        assertEquals(0, store.stats().liveVariables());
        assertFalse(store.free(parents[1], 1));
    }

    @Test
    void shouldKeepTheRegionSizeOutOfObjectParents()
    {
        final ShadowStore store = track(ShadowStore.builder().segments(SEGMENTS).regionSize(1L << 40).build());
        final Object[] parents = new Object[1000];
        for (int i = 0; i < parents.length; i++)
        {
            parents[i] = new Object();
            assertNotEquals(0, store.alloc(parents[i], 1, 8));
        }
        for (final Object parent : parents)
        {
            assertNotEquals(0, store.get(parent, 1));
        }
        assertEquals(parents.length, store.freeAll(1));
    }
}
