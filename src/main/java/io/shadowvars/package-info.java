/**
 * Shadow variables for the JVM, off-heap: the public API. Start at {@link io.shadowvars.ShadowStore}.
 * Nothing here depends on users' code; {@code io.shadowvars.internal} and its sub-packages serve
 * this package only.
 */
package io.shadowvars;
