package io.shadowvars.jmh;

import io.shadowvars.Reclamation;
import io.shadowvars.jmh.peers.AgronaSlabTable;
import io.shadowvars.jmh.peers.ChmLongTable;
import io.shadowvars.jmh.peers.ChmRecordTable;
import io.shadowvars.jmh.peers.ChronicleMapTable;
import io.shadowvars.jmh.peers.NbhmlLongTable;
import io.shadowvars.jmh.peers.ObjectPeers;
import io.shadowvars.jmh.peers.ShadowLongTable;
import io.shadowvars.jmh.peers.ShadowObjectTable;

/**
 * Names of the implementations, as the benchmarks' {@code impl} parameter spells them. Names that
 * start with {@code shadowvars} are the library; the report computes every ratio against the row
 * named exactly {@code shadowvars}.
 */
public final class Impls
{
    private Impls()
    {
    }

    /**
     * A long-parent side table.
     *
     * @param impl     shadowvars, shadowvars-QSBR, shadowvars-NONE, shadowvars-1seg (one segment, to
     *                 tell the segments' cost from the table's), agrona, chm-record, chm-long or
     *                 chronicle-map.
     * @param capacity the most records it will hold.
     * @return the table.
     */
    public static LongSideTable longTable(final String impl, final int capacity)
    {
        switch (impl)
        {
            case "shadowvars":
                return new ShadowLongTable(Reclamation.EPOCH, capacity);
            case "shadowvars-QSBR":
                return new ShadowLongTable(Reclamation.QSBR, capacity);
            case "shadowvars-NONE":
                return new ShadowLongTable(Reclamation.NONE, capacity);
            case "shadowvars-1seg":
                return new ShadowLongTable(Reclamation.EPOCH, capacity, 1);
            case "agrona":
                return new AgronaSlabTable(capacity);
            case "chm-record":
                return new ChmRecordTable(capacity);
            case "chm-long":
                return new ChmLongTable(capacity, Keys.ID);
            case "chronicle-map":
                return new ChronicleMapTable(capacity);
            default:
                throw new IllegalArgumentException("unknown long-parent impl: " + impl);
        }
    }

    /**
     * A long-parent side table that several threads may write at once, for the concurrent writer
     * benchmarks ({@code ChurnThreadsBenchmark}).
     *
     * @param impl     shadowvars (EPOCH), shadowvars-1seg (one segment), shadowvars-region1m (1 MiB
     *                 regions, {@code regionSize}), chm ({@code ConcurrentHashMap<Long, long[]>}, the same
     *                 peer as chm-long) or nbhml (JCTools' {@code NonBlockingHashMapLong<long[]>}).
     * @param capacity the most records it will hold.
     * @return the table.
     */
    public static LongSideTable concurrentLongTable(final String impl, final int capacity)
    {
        switch (impl)
        {
            case "shadowvars":
                return new ShadowLongTable(Reclamation.EPOCH, capacity);
            case "shadowvars-1seg":
                return new ShadowLongTable(Reclamation.EPOCH, capacity, 1);
            case "shadowvars-region1m":
                return new ShadowLongTable(Reclamation.EPOCH, capacity, 1L << 20);
            case "chm":
                return new ChmLongTable(capacity, Keys.ID);
            case "nbhml":
                return new NbhmlLongTable(capacity, Keys.ID);
            default:
                throw new IllegalArgumentException("unknown concurrent long-parent impl: " + impl);
        }
    }

    /**
     * An object-parent side table.
     *
     * @param impl     shadowvars, shadowvars-NONE, shadowvars-weak (EPOCH, weak object parents),
     *                 weak, sync-identity, netty or field.
     * @param parents  the parents it will serve (Netty gives each its attribute map).
     * @return the table.
     */
    public static ObjectSideTable objectTable(final String impl, final Keys.Parent[] parents)
    {
        switch (impl)
        {
            case "shadowvars":
                return new ShadowObjectTable(Reclamation.EPOCH, parents.length);
            case "shadowvars-NONE":
                return new ShadowObjectTable(Reclamation.NONE, parents.length);
            case "shadowvars-weak":
                return new ShadowObjectTable(Reclamation.EPOCH, parents.length, true);
            case "weak":
                return ObjectPeers.MapTable.weak();
            case "sync-identity":
                return ObjectPeers.MapTable.synchronizedIdentity(parents.length);
            case "netty":
                return new ObjectPeers.Netty(parents);
            case "field":
                return new ObjectPeers.Field();
            default:
                throw new IllegalArgumentException("unknown object-parent impl: " + impl);
        }
    }

    /**
     * Fill a table with one record per parent.
     *
     * @param table   the table.
     * @param parents the parents.
     */
    public static void fill(final LongSideTable table, final long[] parents)
    {
        for (int i = 0; i < parents.length; i++)
        {
            if (!table.put(parents[i], Keys.ID, i + 1))
            {
                throw new IllegalStateException("put refused for parent #" + i);
            }
        }
    }

    /**
     * Fill a table with one record per parent.
     *
     * @param table   the table.
     * @param parents the parents.
     */
    public static void fill(final ObjectSideTable table, final Keys.Parent[] parents)
    {
        for (int i = 0; i < parents.length; i++)
        {
            if (!table.put(parents[i], Keys.ID, i + 1))
            {
                throw new IllegalStateException("put refused for parent #" + i);
            }
        }
    }
}
