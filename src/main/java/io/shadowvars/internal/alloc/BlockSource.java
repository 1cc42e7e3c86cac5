package io.shadowvars.internal.alloc;

/**
 * A source of freed blocks of a size class, for an allocator that has none and may not carve.
 */
@FunctionalInterface
public interface BlockSource
{
    /**
     * Take a freed block of a class, if there is one.
     *
     * @param cls the size class.
     * @return a freed block's header (state FREE, contents as released), or 0.
     */
    long take(int cls);
}
