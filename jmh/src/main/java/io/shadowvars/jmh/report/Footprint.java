package io.shadowvars.jmh.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The memory footprint measurement, written by a separate program:
 * {@code {"variables": 1000000, "dataSize": 16, "results": [{"impl": "shadowvars", "parents": "long",
 * "heapBytes": 123, "nativeBytes": 456, "bytesPerVariable": 59.9}, ...]}} ({@code parents} is
 * optional).
 *
 * @param variables how many variables each implementation held.
 * @param dataSize  bytes of data per variable.
 * @param entries   one entry per implementation: the library first, then peers smallest first.
 */
record Footprint(long variables, int dataSize, List<Footprint.Entry> entries)
{
    /**
     * The footprint of one implementation.
     *
     * @param impl             the implementation.
     * @param parents          the kind of parent the variables hang off ({@code long} or
     *                         {@code object}), null when not given.
     * @param heapBytes        Java heap bytes, NaN when not given.
     * @param nativeBytes      native bytes, NaN when not given.
     * @param bytesPerVariable total bytes per variable.
     */
    record Entry(String impl, String parents, double heapBytes, double nativeBytes, double bytesPerVariable)
    {
    }

    /**
     * Whether any entry says which kind of parent it was measured on.
     *
     * @return true when at least one entry has {@code parents}.
     */
    boolean hasParents()
    {
        for (final Entry entry : entries)
        {
            if (entry.parents() != null)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The entry every ratio is taken against: exactly {@code shadowvars} when present, else the
     * first one starting with {@code shadowvars}.
     *
     * @return the entry, or null.
     */
    Entry primary()
    {
        Entry firstLibrary = null;
        for (final Entry entry : entries)
        {
            if (JmhResult.LIBRARY_PREFIX.equals(entry.impl()))
            {
                return entry;
            }
            if (firstLibrary == null && JmhResult.isLibrary(entry.impl()))
            {
                firstLibrary = entry;
            }
        }
        return firstLibrary;
    }

    /**
     * The entry of one implementation.
     *
     * @param impl the implementation.
     * @return the entry, or null.
     */
    Entry entry(final String impl)
    {
        for (final Entry entry : entries)
        {
            if (entry.impl().equals(impl))
            {
                return entry;
            }
        }
        return null;
    }

    /**
     * The library's bytes per variable over an entry's, so that below 1 means the library is
     * smaller.
     *
     * @param entry an entry.
     * @return the ratio, or NaN when the library was not measured.
     */
    double ratio(final Entry entry)
    {
        final Entry primary = primary();
        return primary == null ? Double.NaN : primary.bytesPerVariable() / entry.bytesPerVariable();
    }

    /**
     * Read a footprint file.
     *
     * @param file the file.
     * @return the footprint.
     * @throws IOException when the file cannot be read or has no {@code results} array.
     */
    static Footprint read(final Path file) throws IOException
    {
        final JsonElement root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            root = JsonParser.parseReader(reader);
        }
        catch (final JsonParseException e)
        {
            throw new IOException("cannot parse " + file + ": " + e.getMessage(), e);
        }
        if (!root.isJsonObject() || !root.getAsJsonObject().has("results") ||
            !root.getAsJsonObject().get("results").isJsonArray())
        {
            throw new IOException(file + " is not a footprint file (expected an object with a results array)");
        }
        final JsonObject json = root.getAsJsonObject();
        final long variables = (long) JmhResult.number(json.get("variables"), 0);
        final int dataSize = (int) JmhResult.number(json.get("dataSize"), 0);

        final List<Entry> entries = new ArrayList<>();
        for (final JsonElement element : json.getAsJsonArray("results"))
        {
            if (!element.isJsonObject() || !element.getAsJsonObject().has("impl"))
            {
                throw new IOException(file + ": every result needs an impl");
            }
            final JsonObject result = element.getAsJsonObject();
            final double heap = JmhResult.number(result.get("heapBytes"), Double.NaN);
            final double nativeBytes = JmhResult.number(result.get("nativeBytes"), Double.NaN);
            double perVariable = JmhResult.number(result.get("bytesPerVariable"), Double.NaN);
            if (Double.isNaN(perVariable) && variables > 0)
            {
                final double total = (Double.isNaN(heap) ? 0 : heap) + (Double.isNaN(nativeBytes) ? 0 : nativeBytes);
                perVariable = total / variables;
            }
            final String parents = result.has("parents") && result.get("parents").isJsonPrimitive() ?
                result.get("parents").getAsString() : null;
            entries.add(new Entry(result.get("impl").getAsString(), parents, heap, nativeBytes, perVariable));
        }
        return new Footprint(variables, dataSize, sorted(entries));
    }

    private static List<Entry> sorted(final List<Entry> entries)
    {
        final Footprint unsorted = new Footprint(0, 0, entries);
        final Entry primary = unsorted.primary();
        final List<Entry> copy = new ArrayList<>(entries);
        copy.sort(Comparator.<Entry>comparingInt(entry ->
            {
                if (entry == primary)
                {
                    return 0;
                }
                return JmhResult.isLibrary(entry.impl()) ? 1 : 2;
            })
            .thenComparingDouble(entry ->
                Double.isNaN(entry.bytesPerVariable()) ? Double.POSITIVE_INFINITY : entry.bytesPerVariable())
            .thenComparing(Entry::impl));
        return List.copyOf(copy);
    }
}
