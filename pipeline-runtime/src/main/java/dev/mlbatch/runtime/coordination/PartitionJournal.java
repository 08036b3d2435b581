package dev.mlbatch.runtime.coordination;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The durable side of the partition store: an append-only JSON-lines file of partition and global-state changes,
 * replayed (last write wins) and compacted when opened, completed partitions down to their key fingerprints. Each
 * write is flushed to the operating system, so a killed runtime loses nothing it had recorded.
 */
final class PartitionJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionJournal.class);
    private static final ObjectMapper MAPPER = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();

    /**
     * One line: a partition's new state, a source's global state, or (written by compaction only) fingerprints of
     * completed partitions, 32 hex digits each: a completed partition never changes again, so its key is not needed.
     */
    record Entry(@JsonProperty("partition") PartitionRecord partition,
                 @JsonProperty("global_source") String globalSource,
                 @JsonProperty("global_state") Map<String, Object> globalState,
                 @JsonProperty("completed_source") String completedSource,
                 @JsonProperty("completed_fingerprints") List<String> completedFingerprints) {
        static Entry of(final PartitionRecord partition) {
            return new Entry(partition, null, null, null, null);
        }
    }

    /** Fingerprints a compacted journal writes on one line. */
    private static final int FINGERPRINTS_PER_LINE = 1024;
    private static final HexFormat HEX = HexFormat.of();

    /** What a replay found. */
    interface Replay {
        void partition(PartitionRecord record);

        void globalState(String sourceId, Map<String, Object> state);

        void completed(String sourceId, long high, long low);
    }

    /** What compaction writes: each source's global state, completed partitions (by source) and unfinished ones. */
    record Snapshot(Map<String, Map<String, Object>> globalStates, Map<String, CompletedKeys> completed,
                    Collection<PartitionRecord> unfinished) {
    }

    private final Path file;
    private BufferedWriter writer;

    PartitionJournal(final Path file) {
        this.file = file;
    }

    /** Reads the journal a line at a time (it may hold millions of partitions: never all of it in memory at once). */
    void replay(final Replay replay) {
        if (!Files.exists(file)) {
            return;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            JsonProcessingException unreadable = null;
            int unreadableLine = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                if (unreadable != null) {
                    // Only the last line can be torn (the process died mid-write); anything else is corruption.
                    throw new IllegalStateException("Coordination store " + file + " is corrupt at line " + unreadableLine
                            + ": " + unreadable.getOriginalMessage());
                }
                final Entry entry;
                try {
                    entry = MAPPER.readValue(line, Entry.class);
                } catch (final JsonProcessingException e) {
                    unreadable = e;
                    unreadableLine = lineNumber;
                    continue;
                }
                apply(entry, replay);
            }
            if (unreadable != null) {
                LOG.warn("Ignoring a torn last line in the coordination store {}", file);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read the coordination store " + file, e);
        }
    }

    private static void apply(final Entry entry, final Replay replay) {
        if (entry.partition() != null) {
            replay.partition(entry.partition());
        } else if (entry.globalSource() != null) {
            replay.globalState(entry.globalSource(), entry.globalState());
        } else if (entry.completedSource() != null && entry.completedFingerprints() != null) {
            for (final String fingerprint : entry.completedFingerprints()) {
                replay.completed(entry.completedSource(), HexFormat.fromHexDigitsToLong(fingerprint, 0, 16),
                        HexFormat.fromHexDigitsToLong(fingerprint, 16, 32));
            }
        }
    }

    /** Rewrites the journal with only the current state, then keeps appending to it. */
    void compactAndOpen(final Snapshot snapshot) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            final Path temporary = file.resolveSibling(file.getFileName() + ".compacting");
            try (BufferedWriter compacted = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                for (final Map.Entry<String, Map<String, Object>> global : snapshot.globalStates().entrySet()) {
                    write(compacted, new Entry(null, global.getKey(), global.getValue(), null, null));
                }
                for (final Map.Entry<String, CompletedKeys> completed : snapshot.completed().entrySet()) {
                    writeFingerprints(compacted, completed.getKey(), completed.getValue());
                }
                for (final PartitionRecord partition : snapshot.unfinished()) {
                    write(compacted, Entry.of(partition));
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write the coordination store " + file, e);
        }
    }

    private static void writeFingerprints(final BufferedWriter out, final String sourceId, final CompletedKeys completed)
            throws IOException {
        final List<String> line = new ArrayList<>(FINGERPRINTS_PER_LINE);
        completed.<IOException>forEach((high, low) -> {
            line.add(HEX.toHexDigits(high) + HEX.toHexDigits(low));
            if (line.size() == FINGERPRINTS_PER_LINE) {
                write(out, new Entry(null, null, null, sourceId, line));
                line.clear();
            }
        });
        if (!line.isEmpty()) {
            write(out, new Entry(null, null, null, sourceId, line));
        }
    }

    void append(final Collection<PartitionRecord> partitions) {
        try {
            for (final PartitionRecord partition : partitions) {
                write(writer, Entry.of(partition));
            }
            writer.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write the coordination store " + file, e);
        }
    }

    void appendGlobalState(final String sourceId, final Map<String, Object> state) {
        try {
            write(writer, new Entry(null, sourceId, state, null, null));
            writer.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write the coordination store " + file, e);
        }
    }

    private static void write(final BufferedWriter out, final Entry entry) throws IOException {
        out.write(MAPPER.writeValueAsString(entry));
        out.newLine();
    }

    @Override
    public void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (final IOException e) {
                LOG.warn("Cannot close the coordination store {}: {}", file, e.getMessage());
            }
        }
    }
}
