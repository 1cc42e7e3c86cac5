package io.shadowvars.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A table segment doubled its slots (under its write lock: the writer that triggered it waited).
 */
@Name("io.shadowvars.TableGrowth")
@Label("Shadow Table Growth")
@Category({"shadowvars"})
@Description("A segment of a ShadowStore's table doubled its slot array")
@StackTrace(false)
public final class TableGrowthEvent extends Event
{
    /** Slots before. */
    @Label("Old Capacity")
    public int oldCapacity;

    /** Slots after. */
    @Label("New Capacity")
    public int newCapacity;

    /** Entries held. */
    @Label("Entries")
    public int entries;

    /** An event to fill in; commit it after the growth. */
    public TableGrowthEvent()
    {
    }
}
