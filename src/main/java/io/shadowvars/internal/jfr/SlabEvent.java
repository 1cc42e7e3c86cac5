package io.shadowvars.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The store took a new slab of native memory for a size class (its segments cut runs of blocks
 * from it), or the memory cap refused one.
 */
@Name("io.shadowvars.NewSlab")
@Label("Shadow Slab")
@Category({"shadowvars"})
@Description("A ShadowStore took a new slab of native memory for a size class, shared by its segments")
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
