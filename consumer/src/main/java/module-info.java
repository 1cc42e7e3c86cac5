/**
 * A user of the library on the module path: it reads {@code io.shadowvars} (and, through it,
 * {@code org.agrona}) and nothing else.
 */
module io.shadowvars.consumer
{
    requires io.shadowvars;
}
