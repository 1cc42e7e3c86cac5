package io.shadowvars;

/**
 * Destructor of shadow data, the kernel's {@code klp_shadow_dtor_t}.
 *
 * <p>Runs under the store's write lock after the variable has been unlinked (no new {@code get}
 * finds it) and before its memory is retired. The callback must not call a mutating method of the
 * store: such a call throws {@link IllegalStateException}. An exception thrown by the destructor
 * does not stop the freeing; it is rethrown to the caller of {@code free}/{@code freeAll} once all
 * freeing is done.
 */
@FunctionalInterface
public interface ShadowDtor
{
    /**
     * Release whatever the variable's data refers to.
     *
     * @param var the variable being freed, a flyweight valid only during this call.
     */
    void destroy(ShadowVar var);
}
