/**
 * A runnable demo of shadowvars: a pooled-buffer receive pipeline that attaches metadata to off-heap
 * packet buffers, looks it up from consumer threads and frees it before each buffer is reused. Depends
 * only on the public {@code io.shadowvars} API, Agrona and HdrHistogram; nothing depends on it.
 */
package io.shadowvars.demo;
