package io.shadowvars.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A reader has held reclamation back for longer than the threshold: the epoch could not advance
 * because it stayed in a section (EPOCH) or did not call {@code quiescent()} (QSBR).
 */
@Name("io.shadowvars.ReclamationStalled")
@Label("Shadow Reclamation Stalled")
@Category({"shadowvars"})
@Description("A ShadowReader held freed memory back for longer than the threshold")
@StackTrace(false)
public final class ReclamationStalledEvent extends Event
{
    /** The reader's thread. */
    @Label("Reader Thread")
    public String readerThread;

    /** How long the epoch has not advanced. */
    @Label("Stalled For")
    @Timespan(Timespan.NANOSECONDS)
    public long stalledNanos;

    /** An event to fill in. */
    public ReclamationStalledEvent()
    {
    }
}
