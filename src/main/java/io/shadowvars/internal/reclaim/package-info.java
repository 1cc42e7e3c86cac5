/**
 * Internal: deferred reuse of freed blocks (epoch-based and quiescent-state-based reclamation, the
 * stand-ins for RCU) and the per-thread reader handles. Depends on {@code io.shadowvars.internal}
 * and the API interfaces it implements.
 */
package io.shadowvars.internal.reclaim;
