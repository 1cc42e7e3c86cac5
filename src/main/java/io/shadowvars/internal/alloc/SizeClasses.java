package io.shadowvars.internal.alloc;

import io.shadowvars.internal.Block;

import java.util.Arrays;

/**
 * The size classes of a store, fixed by its alignment and shared (read-only) by every segment's
 * allocator.
 *
 * <p>A block's stride is {@code dataOffset + size} rounded up to the alignment; above 512 bytes
 * strides are further rounded to an eighth of their power of two, so no class wastes more than
 * 12.5%. A class gets a dense number through a small table indexed by {@code stride / alignment}
 * (about a hundred classes for 8-byte alignment). Data over {@value #LARGE_DATA} bytes lives in a
 * dedicated allocation and its block is of the INDIRECT class, which holds the data's address.
 *
 * <p>Immutable; thread-safe.
 */
public final class SizeClasses
{
    /** Data sizes above this get a dedicated allocation. */
    public static final int LARGE_DATA = 16 * 1024;

    private final int alignment;
    private final int dataOffset;
    private final int indirectClass;
    private final short[] classByUnit;
    private final int[] classStride;

    /**
     * Compute the classes for an alignment.
     *
     * @param alignment alignment of every data address, a power of two from 8.
     */
    public SizeClasses(final int alignment)
    {
        this.alignment = alignment;
        this.dataOffset = Block.dataOffset(alignment);
        final int maxUnits = strideOf(dataOffset + LARGE_DATA) / alignment;
        this.classByUnit = new short[maxUnits + 1];
        final int[] strides = new int[maxUnits + 1];
        int classes = 0;
        for (int bytes = dataOffset; bytes <= dataOffset + LARGE_DATA; bytes += alignment)
        {
            final int stride = strideOf(bytes);
            if (0 == classByUnit[stride / alignment])
            {
                classes++;
                classByUnit[stride / alignment] = (short)classes;
                strides[classes] = stride;
            }
        }
        this.classStride = Arrays.copyOf(strides, classes + 1);
        this.indirectClass = classByUnit[strideOf(dataOffset + 8) / alignment];
    }

    /**
     * The alignment.
     *
     * @return bytes.
     */
    public int alignment()
    {
        return alignment;
    }

    /**
     * Offset of the data from the header.
     *
     * @return bytes from a header to its data.
     */
    public int dataOffset()
    {
        return dataOffset;
    }

    /**
     * How many classes there are; class numbers run from 1 to this.
     *
     * @return the number of classes.
     */
    public int count()
    {
        return classStride.length - 1;
    }

    /**
     * The class of a data size.
     *
     * @param size data size, from 0.
     * @return the class number.
     */
    public int classOf(final int size)
    {
        return size > LARGE_DATA ? indirectClass : classByUnit[strideOf(dataOffset + size) / alignment];
    }

    /**
     * Bytes from one block of a class to the next.
     *
     * @param cls a class number.
     * @return the stride.
     */
    public int stride(final int cls)
    {
        return classStride[cls];
    }

    private int strideOf(final int bytes)
    {
        int stride = (bytes + alignment - 1) & -alignment;
        if (stride > 512)
        {
            final int step = Math.max(alignment, Integer.highestOneBit(stride - 1) >>> 3);
            stride = (stride + step - 1) & -step;
        }
        return stride;
    }
}
