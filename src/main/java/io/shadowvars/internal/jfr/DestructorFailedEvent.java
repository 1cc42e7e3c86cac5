package io.shadowvars.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * A destructor threw; the variable was freed anyway and the exception reaches the caller.
 */
@Name("io.shadowvars.DestructorFailed")
@Label("Shadow Destructor Failed")
@Category({"shadowvars"})
@Description("A ShadowDtor threw while a shadow variable was freed")
public final class DestructorFailedEvent extends Event
{
    /** The variable's id. */
    @Label("Id")
    public long id;

    /** The exception's class. */
    @Label("Exception")
    public String exception;

    /** The exception's message. */
    @Label("Message")
    public String message;

    /** An event to fill in. */
    public DestructorFailedEvent()
    {
    }
}
