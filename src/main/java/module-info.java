/**
 * Shadow variables for the JVM, off-heap. Only {@code io.shadowvars} is exported; the
 * {@code io.shadowvars.internal} packages are not part of the API.
 */
module io.shadowvars
{
    requires transitive org.agrona;
    requires chronicle.bytes;
    requires chronicle.core;
    requires jdk.jfr;

    exports io.shadowvars;
}
