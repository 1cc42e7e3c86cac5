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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a JMH JSON result file ({@code -rf json}): one benchmark method at one set of
 * parameters.
 *
 * @param className  simple name of the benchmark class, such as {@code GetHitLongBenchmark}.
 * @param method     benchmark method or group name, such as {@code get}.
 * @param mode       JMH mode: {@code avgt}, {@code thrpt}, {@code ss} or {@code sample}.
 * @param params     every {@code @Param}, in the file's order (including {@code impl}).
 * @param primary    the primary metric.
 * @param secondary  the secondary metrics by name, such as {@code gc.alloc.rate.norm} or a
 *                   group method's name.
 * @param threads    threads the benchmark ran with.
 * @param forks      forks the benchmark ran with.
 * @param jdkVersion JDK version, or an empty string.
 * @param vmName     VM name, or an empty string.
 * @param source     the result file it was read from (one file is one JMH run), or an empty
 *                   string when it was parsed on its own.
 */
record JmhResult(
    String className,
    String method,
    String mode,
    Map<String, String> params,
    Metric primary,
    Map<String, Metric> secondary,
    int threads,
    int forks,
    String jdkVersion,
    String vmName,
    String source)
{
    /** The parameter that names the implementation. */
    static final String IMPL = "impl";

    /** The prefix of every implementation that is the library itself. */
    static final String LIBRARY_PREFIX = "shadowvars";

    /** The secondary metric {@code -prof gc} reports allocation per operation in. */
    static final String ALLOC_NORM = "gc.alloc.rate.norm";

    /** Shown as the implementation of a result that has no {@code impl} parameter. */
    static final String NO_IMPL = "(no impl)";

    /**
     * A score with its error and unit.
     *
     * @param score the score.
     * @param error the error (99.9% half-width), NaN when JMH could not compute it.
     * @param unit  the unit, such as {@code ns/op} or {@code ops/us}.
     */
    record Metric(double score, double error, String unit)
    {
    }

    /**
     * The implementation this result measured.
     *
     * @return the {@code impl} parameter, or {@link #NO_IMPL}.
     */
    String impl()
    {
        return params.getOrDefault(IMPL, NO_IMPL);
    }

    /**
     * Whether this result measured the library rather than a peer.
     *
     * @return true when the implementation starts with {@code shadowvars}.
     */
    boolean isLibrary()
    {
        return isLibrary(impl());
    }

    /**
     * Whether an implementation name is the library rather than a peer.
     *
     * @param impl an implementation name.
     * @return true when it starts with {@code shadowvars}.
     */
    static boolean isLibrary(final String impl)
    {
        return impl.startsWith(LIBRARY_PREFIX);
    }

    /**
     * The parameters other than {@code impl}.
     *
     * @return an unmodifiable map in the file's order.
     */
    Map<String, String> otherParams()
    {
        final Map<String, String> others = new LinkedHashMap<>(params);
        others.remove(IMPL);
        return Collections.unmodifiableMap(others);
    }

    /**
     * Allocation per operation as measured by {@code -prof gc}.
     *
     * @return bytes per operation, or NaN when not measured.
     */
    double allocPerOp()
    {
        final Metric metric = secondary.get(ALLOC_NORM);
        return metric == null ? Double.NaN : metric.score();
    }

    /**
     * Read every result in a JMH JSON file.
     *
     * @param file the file.
     * @return the results in the file's order.
     * @throws IOException when the file cannot be read or is not a JMH result array.
     */
    static List<JmhResult> read(final Path file) throws IOException
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
        if (!root.isJsonArray())
        {
            throw new IOException(file + " is not a JMH JSON result file (expected an array)");
        }
        final List<JmhResult> results = new ArrayList<>();
        int index = 0;
        for (final JsonElement element : root.getAsJsonArray())
        {
            try
            {
                results.add(parse(element.getAsJsonObject(), file.toAbsolutePath().normalize().toString()));
            }
            catch (final RuntimeException e)
            {
                throw new IOException(file + ": entry " + index + " is not a JMH result: " + e.getMessage(), e);
            }
            index++;
        }
        return results;
    }

    /**
     * Turn one JSON object into a result that belongs to no file.
     *
     * @param json the object.
     * @return the result.
     * @throws IllegalStateException when a required field is missing.
     */
    static JmhResult parse(final JsonObject json)
    {
        return parse(json, "");
    }

    /**
     * Turn one JSON object into a result.
     *
     * @param json   the object.
     * @param source the file it was read from.
     * @return the result.
     * @throws IllegalStateException when a required field is missing.
     */
    static JmhResult parse(final JsonObject json, final String source)
    {
        final String benchmark = requiredString(json, "benchmark");
        final int lastDot = benchmark.lastIndexOf('.');
        final String method = benchmark.substring(lastDot + 1);
        final String qualifiedClass = lastDot < 0 ? "" : benchmark.substring(0, lastDot);
        final String className = qualifiedClass.substring(qualifiedClass.lastIndexOf('.') + 1);

        final Map<String, String> params = new LinkedHashMap<>();
        final JsonElement paramsJson = json.get("params");
        if (paramsJson != null && paramsJson.isJsonObject())
        {
            for (final Map.Entry<String, JsonElement> entry : paramsJson.getAsJsonObject().entrySet())
            {
                params.put(entry.getKey(), entry.getValue().getAsString());
            }
        }

        final JsonElement primaryJson = json.get("primaryMetric");
        if (primaryJson == null || !primaryJson.isJsonObject())
        {
            throw new IllegalStateException("no primaryMetric in " + benchmark);
        }

        final Map<String, Metric> secondary = new LinkedHashMap<>();
        final JsonElement secondaryJson = json.get("secondaryMetrics");
        if (secondaryJson != null && secondaryJson.isJsonObject())
        {
            for (final Map.Entry<String, JsonElement> entry : secondaryJson.getAsJsonObject().entrySet())
            {
                if (entry.getValue().isJsonObject())
                {
                    secondary.put(entry.getKey(), metric(entry.getValue().getAsJsonObject()));
                }
            }
        }

        return new JmhResult(
            className,
            method,
            string(json, "mode", "avgt"),
            Collections.unmodifiableMap(params),
            metric(primaryJson.getAsJsonObject()),
            Collections.unmodifiableMap(secondary),
            (int) number(json.get("threads"), 1),
            (int) number(json.get("forks"), 0),
            string(json, "jdkVersion", ""),
            string(json, "vmName", ""),
            source);
    }

    private static Metric metric(final JsonObject json)
    {
        return new Metric(
            number(json.get("score"), Double.NaN),
            number(json.get("scoreError"), Double.NaN),
            string(json, "scoreUnit", ""));
    }

    /**
     * Read a JSON number that may also be written as a string, as JMH writes {@code "NaN"}.
     *
     * @param element  the element, possibly null.
     * @param fallback the value when the element is missing or not a number.
     * @return the number.
     */
    static double number(final JsonElement element, final double fallback)
    {
        if (element == null || !element.isJsonPrimitive())
        {
            return fallback;
        }
        try
        {
            return Double.parseDouble(element.getAsString().trim());
        }
        catch (final NumberFormatException e)
        {
            return fallback;
        }
    }

    private static String string(final JsonObject json, final String name, final String fallback)
    {
        final JsonElement element = json.get(name);
        return element == null || !element.isJsonPrimitive() ? fallback : element.getAsString();
    }

    private static String requiredString(final JsonObject json, final String name)
    {
        final JsonElement element = json.get(name);
        if (element == null || !element.isJsonPrimitive())
        {
            throw new IllegalStateException("no " + name + " field");
        }
        return element.getAsString();
    }
}
