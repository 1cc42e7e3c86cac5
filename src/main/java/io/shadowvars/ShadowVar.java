package io.shadowvars;

import org.agrona.MutableDirectBuffer;

/**
 * A view of one shadow variable handed to a {@link ShadowCtor} or {@link ShadowDtor}.
 *
 * <p>It is a flyweight: valid only inside the callback it is passed to, and reused afterwards. Do
 * not keep it or the buffer returned by {@link #data()}. Used after its callback returned, its
 * methods throw {@link IllegalStateException}, unless (outside checked mode) the store has
 * meanwhile handed the same flyweight to another callback, which it then describes. In checked
 * mode every callback gets its own, which stays invalid, and a kept {@link #data()} buffer no
 * longer reaches the data (any access throws {@link IndexOutOfBoundsException}).
 */
public interface ShadowVar
{
    /**
     * The parent given as a {@code long}.
     *
     * @return the long parent, or 0 when the parent is an object.
     */
    long parent();

    /**
     * The parent given as an object.
     *
     * @return the object parent, or null when the parent is a {@code long}.
     */
    Object parentObject();

    /**
     * The variable's id.
     *
     * @return the id given when the variable was allocated.
     */
    long id();

    /**
     * The size the variable was allocated with.
     *
     * @return the size in bytes, at least 0.
     */
    int size();

    /**
     * The native address of the data.
     *
     * @return the address of the first data byte, never 0.
     */
    long address();

    /**
     * A buffer over exactly {@link #size()} bytes of data.
     *
     * @return a buffer valid only inside the callback.
     */
    MutableDirectBuffer data();
}
