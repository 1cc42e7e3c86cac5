package io.shadowvars.jmh.peers;

import io.netty.util.AttributeKey;
import io.netty.util.DefaultAttributeMap;
import io.shadowvars.jmh.Keys;
import io.shadowvars.jmh.ObjectSideTable;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/** The object-parent peers: one map per id, keyed on the parent. */
public final class ObjectPeers
{
    private ObjectPeers()
    {
    }

    /**
     * A map from parent to record, one map per id: {@code WeakHashMap} (whose equals and hashCode
     * are identity's for a plain object) or a synchronized {@code IdentityHashMap}.
     */
    public static final class MapTable implements ObjectSideTable
    {
        private final Map<Object, long[]> map;

        private MapTable(final Map<Object, long[]> map)
        {
            this.map = map;
        }

        /** @return a {@code WeakHashMap<Object, long[]>}. */
        public static MapTable weak()
        {
            return new MapTable(new WeakHashMap<>());
        }

        /**
         * @param capacity expected number of records.
         * @return a {@code Collections.synchronizedMap(new IdentityHashMap<>())}.
         */
        public static MapTable synchronizedIdentity(final int capacity)
        {
            return new MapTable(Collections.synchronizedMap(new IdentityHashMap<>(capacity)));
        }

        @Override
        public boolean put(final Keys.Parent parent, final long id, final long value)
        {
            final long[] record = new long[2];
            record[0] = value;
            return map.putIfAbsent(parent, record) == null;
        }

        @Override
        public long read(final Keys.Parent parent, final long id)
        {
            final long[] record = map.get(parent);
            return record == null ? Long.MIN_VALUE : record[0];
        }

        @Override
        public boolean remove(final Keys.Parent parent, final long id)
        {
            return map.remove(parent) != null;
        }

        @Override
        public void close()
        {
            map.clear();
        }
    }

    /** Netty's {@link DefaultAttributeMap}, one per parent, created with the parent. */
    public static final class Netty implements ObjectSideTable
    {
        private static final AttributeKey<long[]> KEY = AttributeKey.valueOf("shadowvars-peer");

        /**
         * Give every parent its attribute map, as a Netty channel has one from birth.
         *
         * @param parents the parents.
         */
        public Netty(final Keys.Parent[] parents)
        {
            for (final Keys.Parent parent : parents)
            {
                parent.attributes = new DefaultAttributeMap();
            }
        }

        private static DefaultAttributeMap attributes(final Keys.Parent parent)
        {
            return (DefaultAttributeMap)parent.attributes;
        }

        @Override
        public boolean put(final Keys.Parent parent, final long id, final long value)
        {
            final long[] record = new long[2];
            record[0] = value;
            return attributes(parent).attr(KEY).setIfAbsent(record) == null;
        }

        @Override
        public long read(final Keys.Parent parent, final long id)
        {
            final long[] record = attributes(parent).attr(KEY).get();
            return record == null ? Long.MIN_VALUE : record[0];
        }

        @Override
        public boolean remove(final Keys.Parent parent, final long id)
        {
            return attributes(parent).attr(KEY).getAndSet(null) != null;
        }

        @Override
        public void close()
        {
        }
    }

    /** The floor: the record is a field of the parent itself; no lookup at all. */
    public static final class Field implements ObjectSideTable
    {
        @Override
        public boolean put(final Keys.Parent parent, final long id, final long value)
        {
            if (parent.field != null)
            {
                return false;
            }
            final long[] record = new long[2];
            record[0] = value;
            parent.field = record;
            return true;
        }

        @Override
        public long read(final Keys.Parent parent, final long id)
        {
            final long[] record = parent.field;
            return record == null ? Long.MIN_VALUE : record[0];
        }

        @Override
        public boolean remove(final Keys.Parent parent, final long id)
        {
            final boolean present = parent.field != null;
            parent.field = null;
            return present;
        }

        @Override
        public void close()
        {
        }
    }
}
