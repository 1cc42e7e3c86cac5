package io.shadowvars;

/**
 * How a store decides that freed memory may be reused: the stand-in for RCU.
 */
public enum Reclamation
{
    /**
     * Epoch-based reclamation (as crossbeam-epoch): readers mark sections with
     * {@link ShadowReader#enter()}/{@link ShadowReader#exit()}; freed memory is reused once every
     * reader inside a section has moved past the epoch it was freed in. The default.
     */
    EPOCH,

    /**
     * Quiescent-state-based reclamation (as Linux/userspace RCU QSBR): a registered reader is
     * protected until it calls {@link ShadowReader#quiescent()}; nothing is added to {@code get}.
     */
    QSBR,

    /**
     * No deferred reuse: freed memory is reused at once. For a store used by one thread only.
     */
    NONE
}
