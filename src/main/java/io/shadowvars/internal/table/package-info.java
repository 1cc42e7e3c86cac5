/**
 * Internal: the open-addressing table that finds a block by {@code <parent, id>}; readers never
 * lock, writers hold the store's write lock. Depends only on {@code io.shadowvars.internal}.
 */
package io.shadowvars.internal.table;
