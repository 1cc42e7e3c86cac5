/**
 * Internal: the off-heap slab allocator (size classes, slabs, free lists, dedicated blocks for large
 * variables, the memory cap). Single-threaded: callers hold the store's write lock. Depends only on
 * {@code io.shadowvars.internal}.
 */
package io.shadowvars.internal.alloc;
