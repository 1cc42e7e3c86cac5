package io.shadowvars.jmh.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Number formatting for the report: three significant digits, thousands separators, and one
 * decimal for nanosecond scores between 1 and 100.
 */
final class Numbers
{
    /** Shown where a value is missing. */
    static final String MISSING = "–";

    private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_UP);

    private Numbers()
    {
    }

    /**
     * Format a value to three significant digits, keeping trailing zeros ({@code 0.750},
     * {@code 1.25}, {@code 12.3}, {@code 1,230}).
     *
     * @param value the value.
     * @return the text, or {@link #MISSING} for NaN.
     */
    static String sig3(final double value)
    {
        if (Double.isNaN(value))
        {
            return MISSING;
        }
        if (Double.isInfinite(value) || value == 0.0)
        {
            return fixed(value, 0);
        }
        final double rounded = round3(value);
        return fixed(rounded, sig3Decimals(rounded));
    }

    /**
     * Format a score in its unit: one decimal for nanoseconds from 1 to 100, otherwise three
     * significant digits.
     *
     * @param score the score.
     * @param unit  the JMH unit, such as {@code ns/op}.
     * @return the text.
     */
    static String score(final double score, final String unit)
    {
        if (Double.isNaN(score))
        {
            return MISSING;
        }
        if (oneDecimal(score, unit))
        {
            return fixed(score, 1);
        }
        return sig3(score);
    }

    /**
     * Format a score with its error, the error with as many decimals as the score
     * ({@code 12.3 ± 0.4}); a NaN error is left out.
     *
     * @param score the score.
     * @param error the error, possibly NaN.
     * @param unit  the JMH unit.
     * @return the text.
     */
    static String scoreWithError(final double score, final double error, final String unit)
    {
        final String scoreText = score(score, unit);
        if (Double.isNaN(score) || Double.isNaN(error) || Double.isInfinite(error))
        {
            return scoreText;
        }
        final int decimals;
        if (oneDecimal(score, unit))
        {
            decimals = 1;
        }
        else if (score == 0.0 || Double.isInfinite(score))
        {
            decimals = 0;
        }
        else
        {
            decimals = sig3Decimals(round3(score));
        }
        return scoreText + " ± " + fixed(error, decimals);
    }

    /**
     * Format bytes per operation: three decimals below one byte ({@code 0.002}), otherwise three
     * significant digits.
     *
     * @param bytes the value, NaN when not measured.
     * @return the text, or {@link #MISSING}.
     */
    static String bytesPerOp(final double bytes)
    {
        if (Double.isNaN(bytes))
        {
            return MISSING;
        }
        if (Math.abs(bytes) < 1.0)
        {
            return fixed(bytes, 3);
        }
        return sig3(bytes);
    }

    /**
     * Format a value with a fixed number of decimals and thousands separators.
     *
     * @param value    the value.
     * @param decimals decimals after the point.
     * @return the text.
     */
    static String fixed(final double value, final int decimals)
    {
        if (Double.isInfinite(value))
        {
            return value > 0 ? "∞" : "-∞";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    private static boolean oneDecimal(final double score, final String unit)
    {
        final double magnitude = Math.abs(score);
        return unit != null && unit.startsWith("ns/") && magnitude >= 1.0 && magnitude < 100.0;
    }

    private static double round3(final double value)
    {
        return new BigDecimal(value).round(THREE_DIGITS).doubleValue();
    }

    private static int sig3Decimals(final double rounded)
    {
        final int exponent = (int) Math.floor(Math.log10(Math.abs(rounded)));
        return Math.max(0, 2 - exponent);
    }
}
