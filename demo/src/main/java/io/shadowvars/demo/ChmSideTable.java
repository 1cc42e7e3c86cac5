package io.shadowvars.demo;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The peer: the side table most Java code would write, one {@code ConcurrentHashMap<Long, long[]>}
 * per id, keyed by the buffer address. Same steps as the store; each attach boxes a key and
 * allocates a {@code long[]} and a map node, each lookup boxes a key.
 */
final class ChmSideTable implements SideTable
{
    private final ConcurrentHashMap<Long, long[]> meta;
    private final ConcurrentHashMap<Long, long[]> inFlight;
    private final ConcurrentHashMap<Long, long[]> flags;

    /**
     * Empty maps.
     *
     * @param capacity expected entries per map.
     */
    ChmSideTable(final int capacity)
    {
        meta = new ConcurrentHashMap<>(capacity);
        inFlight = new ConcurrentHashMap<>(capacity);
        flags = new ConcurrentHashMap<>(capacity);
    }

    @Override
    public String name()
    {
        return "ConcurrentHashMap<Long, long[]>";
    }

    @Override
    public Session session()
    {
        return new ChmSession();
    }

    @Override
    public long liveVariables()
    {
        return meta.mappingCount() + inFlight.mappingCount() + flags.mappingCount();
    }

    @Override
    public long reservedBytes()
    {
        return -1;
    }

    @Override
    public long pendingFreeBytes()
    {
        return -1;
    }

    @Override
    public long duplicateAllocs()
    {
        return -1;
    }

    @Override
    public long failedAllocs()
    {
        return -1;
    }

    @Override
    public void settle()
    {
    }

    @Override
    public void close()
    {
        meta.clear();
        inFlight.clear();
        flags.clear();
    }

    private ConcurrentHashMap<Long, long[]> map(final long id)
    {
        if (RxMeta.RX_META_ID == id)
        {
            return meta;
        }
        if (RxMeta.IN_FLIGHT_ID == id)
        {
            return inFlight;
        }
        if (RxMeta.FLAG_ID == id)
        {
            return flags;
        }
        throw new IllegalArgumentException("unknown id: " + id);
    }

    private final class ChmSession implements Session
    {
        private long[] current;
        private long ctorId;
        private int ctorSize;
        private RxInfo ctorData;
        private final Function<Long, long[]> ctor = this::construct; // made once, not per call

        private long[] construct(final Long parent)
        {
            final long[] data = new long[ctorSize >> 3];
            final RxInfo rx = ctorData;
            if (RxMeta.RX_META_ID == ctorId)
            {
                data[RxMeta.SEQ >> 3] = rx.seq;
                data[RxMeta.RX_NANOS >> 3] = rx.rxNanos;
                data[RxMeta.FLAGS >> 3] = rx.flags;
                data[RxMeta.checkOffset(ctorSize) >> 3] = rx.seq ^ RxMeta.CHECK_MAGIC;
            }
            else if (RxMeta.IN_FLIGHT_ID == ctorId)
            {
                data[0] = rx.seq ^ RxMeta.ROUTE_MAGIC;
                data[1] = rx.slot;
            }
            rx.constructed = true;
            return data;
        }

        @Override
        public boolean getOrAllocMeta(final long parent, final int size, final RxInfo rx)
        {
            ctorId = RxMeta.RX_META_ID;
            ctorSize = size;
            ctorData = rx;
            current = meta.computeIfAbsent(parent, ctor);
            return null != current;
        }

        @Override
        public boolean alloc(final long parent, final long id, final int size, final RxInfo rx)
        {
            ctorId = id;
            ctorSize = size;
            ctorData = rx;
            rx.constructed = false;
            final long[] data = map(id).computeIfAbsent(parent, ctor);
            return rx.constructed && null != data; // an existing entry is a refused duplicate
        }

        @Override
        public boolean find(final long parent, final long id)
        {
            final long[] data = map(id).get(parent);
            if (null == data)
            {
                return false;
            }
            current = data;
            return true;
        }

        @Override
        public long getLong(final int offset)
        {
            return current[offset >> 3];
        }

        @Override
        public void putLong(final int offset, final long value)
        {
            current[offset >> 3] = value;
        }

        @Override
        public boolean free(final long parent, final long id)
        {
            return null != map(id).remove(parent);
        }

        @Override
        public void enter()
        {
        }

        @Override
        public void exit()
        {
        }

        @Override
        public void quiescent()
        {
        }

        @Override
        public void close()
        {
            current = null;
        }
    }
}
