package io.shadowvars;

/**
 * Constructor of shadow data, the kernel's {@code klp_shadow_ctor_t}.
 *
 * <p>Runs once per variable, under the store's write lock, on data that is already zeroed and
 * before the variable is visible to any {@code get}. Write into {@link ShadowVar#data()} or
 * {@link ShadowVar#address()}. The callback must not call a mutating method of the store (alloc,
 * getOrAlloc, free, freeAll): such a call throws {@link IllegalStateException}. {@code get} is
 * allowed.
 *
 * @param <T> the type of the constructor data.
 */
@FunctionalInterface
public interface ShadowCtor<T>
{
    /**
     * Initialise a new variable.
     *
     * @param var      the variable being built, a flyweight valid only during this call.
     * @param ctorData the reference passed to {@code alloc}/{@code getOrAlloc}, may be null.
     * @return 0 to keep the variable; any other value abandons the allocation (the call then
     * returns 0 and {@link ShadowStats#failedAllocs()} counts it).
     */
    int construct(ShadowVar var, T ctorData);
}
