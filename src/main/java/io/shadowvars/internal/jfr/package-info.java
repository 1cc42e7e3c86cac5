/**
 * Internal: the store's JDK Flight Recorder events for its slow paths (a table segment growing, a
 * new slab, reclamation held back by a reader, a destructor that threw). Each costs a check of a
 * flag while no recording enables it. Depends on nothing else of the library.
 */
package io.shadowvars.internal.jfr;
