/**
 * Internal: not part of the API, not exported from the module, and free to change in any release.
 * Holds the one place that touches raw memory ({@link io.shadowvars.internal.Memory}) and the block
 * layout shared by the allocator, the table and reclamation. May be used only by
 * {@code io.shadowvars} and its own sub-packages.
 */
package io.shadowvars.internal;
