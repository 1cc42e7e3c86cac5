/**
 * Long parents from Netty buffers: {@link io.shadowvars.netty.NettyParents}. Netty is an optional
 * dependency of the library ({@code requires static io.netty.buffer}): this package is the only
 * one that uses it, and it needs Netty only when it is used. It depends on {@code io.shadowvars}'s
 * public API alone.
 */
package io.shadowvars.netty;
