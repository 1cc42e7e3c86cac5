package io.shadowvars;

/**
 * The kinds of parent, so one test body covers both overload families: long parents, object
 * parents, and object parents of a store that holds them weakly (rule 11; the tests keep them
 * alive, so every other rule must hold unchanged).
 */
enum ParentKind
{
    LONG
    {
        @Override
        Object[] parents(final int count)
        {
            final Object[] parents = new Object[count];
            for (int i = 0; i < count; i++)
            {
                parents[i] = 0x7f00_0000_0000L + (i + 1) * 64L;
            }
            return parents;
        }

        @Override
        long get(final ShadowStore store, final Object parent, final long id)
        {
            return store.get((long)(Long)parent, id);
        }

        @Override
        boolean get(final ShadowStore store, final Object parent, final long id, final org.agrona.concurrent.UnsafeBuffer view)
        {
            return store.get((long)(Long)parent, id, view);
        }

        @Override
        <T> long alloc(final ShadowStore store, final Object parent, final long id, final int size,
            final ShadowCtor<? super T> ctor, final T data)
        {
            return store.alloc((long)(Long)parent, id, size, ctor, data);
        }

        @Override
        <T> long getOrAlloc(final ShadowStore store, final Object parent, final long id, final int size,
            final ShadowCtor<? super T> ctor, final T data)
        {
            return store.getOrAlloc((long)(Long)parent, id, size, ctor, data);
        }

        @Override
        boolean free(final ShadowStore store, final Object parent, final long id, final ShadowDtor dtor)
        {
            return store.free((long)(Long)parent, id, dtor);
        }
    },
    OBJECT
    {
        @Override
        Object[] parents(final int count)
        {
            final Object[] parents = new Object[count];
            for (int i = 0; i < count; i++)
            {
                parents[i] = new Object();
            }
            return parents;
        }

        @Override
        long get(final ShadowStore store, final Object parent, final long id)
        {
            return store.get(parent, id);
        }

        @Override
        boolean get(final ShadowStore store, final Object parent, final long id, final org.agrona.concurrent.UnsafeBuffer view)
        {
            return store.get(parent, id, view);
        }

        @Override
        <T> long alloc(final ShadowStore store, final Object parent, final long id, final int size,
            final ShadowCtor<? super T> ctor, final T data)
        {
            return store.alloc(parent, id, size, ctor, data);
        }

        @Override
        <T> long getOrAlloc(final ShadowStore store, final Object parent, final long id, final int size,
            final ShadowCtor<? super T> ctor, final T data)
        {
            return store.getOrAlloc(parent, id, size, ctor, data);
        }

        @Override
        boolean free(final ShadowStore store, final Object parent, final long id, final ShadowDtor dtor)
        {
            return store.free(parent, id, dtor);
        }
    },
    WEAK_OBJECT
    {
        @Override
        ShadowStore.Builder configure(final ShadowStore.Builder builder)
        {
            return builder.weakObjectParents(true);
        }

        @Override
        Object[] parents(final int count)
        {
            return OBJECT.parents(count);
        }

        @Override
        long get(final ShadowStore store, final Object parent, final long id)
        {
            return OBJECT.get(store, parent, id);
        }

        @Override
        boolean get(final ShadowStore store, final Object parent, final long id, final org.agrona.concurrent.UnsafeBuffer view)
        {
            return OBJECT.get(store, parent, id, view);
        }

        @Override
        <T> long alloc(final ShadowStore store, final Object parent, final long id, final int size,
            final ShadowCtor<? super T> ctor, final T data)
        {
            return OBJECT.alloc(store, parent, id, size, ctor, data);
        }

        @Override
        <T> long getOrAlloc(final ShadowStore store, final Object parent, final long id, final int size,
            final ShadowCtor<? super T> ctor, final T data)
        {
            return OBJECT.getOrAlloc(store, parent, id, size, ctor, data);
        }

        @Override
        boolean free(final ShadowStore store, final Object parent, final long id, final ShadowDtor dtor)
        {
            return OBJECT.free(store, parent, id, dtor);
        }
    };

    /** The store options this kind needs (weak parents for WEAK_OBJECT). */
    ShadowStore.Builder configure(final ShadowStore.Builder builder)
    {
        return builder;
    }

    abstract Object[] parents(int count);

    abstract long get(ShadowStore store, Object parent, long id);

    abstract boolean get(ShadowStore store, Object parent, long id, org.agrona.concurrent.UnsafeBuffer view);

    abstract <T> long alloc(ShadowStore store, Object parent, long id, int size, ShadowCtor<? super T> ctor, T data);

    abstract <T> long getOrAlloc(ShadowStore store, Object parent, long id, int size, ShadowCtor<? super T> ctor, T data);

    abstract boolean free(ShadowStore store, Object parent, long id, ShadowDtor dtor);
}
