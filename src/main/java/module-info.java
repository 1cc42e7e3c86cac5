/**
 * Shadow variables for the JVM, off-heap. Only {@code io.shadowvars} and {@code io.shadowvars.netty}
 * are exported; the {@code io.shadowvars.internal} packages are not part of the API. Netty is
 * optional: only {@code io.shadowvars.netty} uses it.
 */
module io.shadowvars
{
    requires transitive org.agrona;
    requires transitive chronicle.bytes;
    requires chronicle.core;
    requires jdk.jfr;
    requires static io.netty.buffer;

    exports io.shadowvars;
    exports io.shadowvars.netty;
}
