package io.shadowvars.demo;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A memory-mapped file holding an Agrona {@link CountersManager}, so that another process can read
 * the store's counters while the demo runs, as {@code AeronStat} reads Aeron's CnC file.
 *
 * <p>Layout, with no header: the counters' metadata records ({@link CountersReader#METADATA_LENGTH}
 * bytes each) followed by their values ({@link CountersReader#COUNTER_LENGTH} bytes each), for
 * {@link #COUNTERS} counters. A reader finds the split from the file's length alone.
 */
final class CountersFile implements AutoCloseable
{
    /** Room for this many counters: the store registers six. */
    static final int COUNTERS = 8;

    private static final int RECORD_BYTES = CountersReader.METADATA_LENGTH + CountersReader.COUNTER_LENGTH;

    private final Path path;
    private final MappedByteBuffer mapped;
    private final CountersManager manager;

    private CountersFile(final Path path, final MappedByteBuffer mapped)
    {
        this.path = path;
        this.mapped = mapped;
        final UnsafeBuffer[] buffers = split(mapped, COUNTERS);
        this.manager = new CountersManager(buffers[0], buffers[1]);
    }

    /**
     * Create and map a new file, zeroed, sized for {@link #COUNTERS} counters.
     *
     * @param path where; must not exist yet.
     * @return the mapped file.
     * @throws IOException when it exists already or cannot be created.
     */
    static CountersFile create(final Path path) throws IOException
    {
        final boolean existed = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        try
        {
            // CREATE_NEW: an existing file is refused, never overwritten.
            return new CountersFile(path, IoUtil.mapNewFile(path.toFile(), (long)COUNTERS * RECORD_BYTES, true));
        }
        catch (final Exception ex) // Agrona rethrows the IOException unchecked
        {
            if (!existed)
            {
                Files.deleteIfExists(path); // created, then the mapping failed
            }
            throw ex instanceof IOException ? (IOException)ex : new IOException("cannot map " + path + ": " + ex, ex);
        }
    }

    /**
     * The manager over the file, where the store registers its counters.
     *
     * @return the manager.
     */
    CountersManager manager()
    {
        return manager;
    }

    /**
     * The file.
     *
     * @return its path.
     */
    Path path()
    {
        return path;
    }

    /**
     * Unmap the file and delete it: its counters stop with the demo, as the store frees them.
     */
    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // Left behind: a later --counters-file with the same name is refused and says so.
        }
    }

    /**
     * Print the counters allocated in a counters file, one line each:
     * {@code "  0:                6,062 - shadowvars-demo: live variables"}.
     *
     * @param path the file a running demo writes.
     * @param out  where the lines go.
     * @return how many counters were printed.
     * @throws IOException when the file is missing or is not a counters file.
     */
    static int print(final Path path, final PrintStream out) throws IOException
    {
        if (!Files.isRegularFile(path))
        {
            throw new IOException("no such file: " + path);
        }
        final long length = Files.size(path);
        if (0 == length || length % RECORD_BYTES != 0 || length > Integer.MAX_VALUE)
        {
            throw new IOException("not a counters file (" + length + " bytes, not a multiple of " + RECORD_BYTES +
                "): " + path);
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(path.toFile(), "counters");
        try
        {
            final UnsafeBuffer[] buffers = split(mapped, (int)(length / RECORD_BYTES));
            final CountersReader reader = new CountersReader(buffers[0], buffers[1]);
            final int[] printed = new int[1];
            reader.forEach((value, counterId, label) ->
            {
                out.printf(Locale.ROOT, "%3d: %,20d - %s%n", counterId, value, label);
                printed[0]++;
            });
            return printed[0];
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    private static UnsafeBuffer[] split(final MappedByteBuffer mapped, final int counters)
    {
        final int metadataBytes = counters * CountersReader.METADATA_LENGTH;
        return new UnsafeBuffer[]{
            new UnsafeBuffer(mapped, 0, metadataBytes),
            new UnsafeBuffer(mapped, metadataBytes, counters * CountersReader.COUNTER_LENGTH) };
    }
}
