package io.shadowvars.demo;

/**
 * The producer's reusable constructor argument: what a constructor writes into new shadow data. One
 * instance per producer, passed as {@code ctorData} to every {@code getOrAlloc}/{@code alloc} so that
 * nothing is boxed. The constructor sets {@link #constructed}, which tells the producer that the
 * variable is new (and not stale metadata left on a recycled buffer).
 */
final class RxInfo
{
    long seq;
    long rxNanos;
    long flags;
    int slot;
    boolean constructed;
}
