package io.shadowvars.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A segment's allocator took a new slab of native memory for a size class.
 */
@Name("io.shadowvars.NewSlab")
@Label("Shadow Slab")
@Category({"shadowvars"})
@Description("A ShadowStore segment took a new slab of native memory from its arena")
@StackTrace(false)
public final class SlabEvent extends Event
{
    /** Slab size. */
    @Label("Slab Size")
    @DataAmount
    public long bytes;

    /** Block stride of the size class. */
    @Label("Block Stride")
    @DataAmount
    public int stride;

    /** Whether the arena refused it (memory cap). */
    @Label("Refused")
    public boolean refused;

    /** An event to fill in. */
    public SlabEvent()
    {
    }
}
