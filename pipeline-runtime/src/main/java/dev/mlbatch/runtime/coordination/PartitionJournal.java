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

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The durable side of the partition store: an append-only JSON-lines file of partition and global-state changes,
 * replayed (last write wins) and compacted when opened. Each write is flushed to the operating system, so a
 * killed runtime loses nothing it had recorded.
 */
final class PartitionJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionJournal.class);
    private static final ObjectMapper MAPPER = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();

    record Entry(@JsonProperty("partition") PartitionRecord partition,
                 @JsonProperty("global_source") String globalSource,
                 @JsonProperty("global_state") Map<String, Object> globalState) {
    }

    /** What a replay found. */
    interface Replay {
        void partition(PartitionRecord record);

        void globalState(String sourceId, Map<String, Object> state);
    }

    private final Path file;
    private BufferedWriter writer;

    PartitionJournal(final Path file) {
        this.file = file;
    }

    void replay(final Replay replay) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            int lineNumber = 0;
            for (final String line : lines) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                final Entry entry;
                try {
                    entry = MAPPER.readValue(line, Entry.class);
                } catch (final JsonProcessingException e) {
                    // Only the last line can be torn (the process died mid-write); anything else is corruption.
                    if (lineNumber == lines.size()) {
                        LOG.warn("Ignoring a torn last line in the coordination store {}", file);
                        continue;
                    }
                    throw new IllegalStateException("Coordination store " + file + " is corrupt at line " + lineNumber + ": " + e.getOriginalMessage());
                }
                if (entry.partition() != null) {
                    replay.partition(entry.partition());
                } else if (entry.globalSource() != null) {
                    replay.globalState(entry.globalSource(), entry.globalState());
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read the coordination store " + file, e);
        }
    }

    /** Rewrites the journal with only the current state, then keeps appending to it. */
    void compactAndOpen(final Collection<PartitionRecord> partitions, final Map<String, Map<String, Object>> globalStates) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            final Path temporary = file.resolveSibling(file.getFileName() + ".compacting");
            try (BufferedWriter compacted = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                for (final Map.Entry<String, Map<String, Object>> global : globalStates.entrySet()) {
                    write(compacted, new Entry(null, global.getKey(), global.getValue()));
                }
                for (final PartitionRecord partition : partitions) {
                    write(compacted, new Entry(partition, null, null));
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write the coordination store " + file, e);
        }
    }

    void append(final Collection<PartitionRecord> partitions) {
        try {
            for (final PartitionRecord partition : partitions) {
                write(writer, new Entry(partition, null, null));
            }
            writer.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write the coordination store " + file, e);
        }
    }

    void appendGlobalState(final String sourceId, final Map<String, Object> state) {
        try {
            write(writer, new Entry(null, sourceId, state));
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
