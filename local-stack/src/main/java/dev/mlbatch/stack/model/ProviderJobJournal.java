package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The SageMaker transform jobs and Bedrock invocation jobs this service was given, one JSON line per creation and per
 * end, so that a restarted service (the services JVM killed) still knows them as AWS would: an ended job keeps its
 * status and a repeated create of it is refused or answered as before; a job that was still running is run again
 * from its start (its outputs are the same). Without a file (tests) nothing is kept.
 */
final class ProviderJobJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderJobJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One job as the journal last saw it: its create request and, once it ended, how ({@code end} null before). */
    record Job(String api, String id, String arn, ObjectNode request, Instant createdAt, ObjectNode end) {
    }

    private final Path file;
    /** What the file held when the service started, read once for both APIs. */
    private final List<Job> recorded;
    private BufferedWriter writer;
    private boolean closed;

    private ProviderJobJournal(final Path file) {
        this.file = file;
        this.recorded = replay(file);
    }

    static ProviderJobJournal none() {
        return new ProviderJobJournal(null);
    }

    static ProviderJobJournal at(final Path file) {
        return new ProviderJobJournal(file);
    }

    /** The jobs recorded before, in creation order; a torn last line (the JVM killed mid-write) is skipped. */
    private static List<Job> replay(final Path file) {
        final Map<String, Job> jobs = new LinkedHashMap<>();
        if (file == null || !Files.exists(file)) {
            return List.of();
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                final JsonNode entry;
                try {
                    entry = JSON.readTree(line);
                } catch (final IOException torn) {
                    LOG.warn("model service job journal {}: skipping an unreadable line ({})", file, torn.getMessage());
                    continue;
                }
                final String key = entry.path("api").asText() + "/" + entry.path("id").asText();
                if ("created".equals(entry.path("event").asText())) {
                    jobs.put(key, new Job(entry.path("api").asText(), entry.path("id").asText(), entry.path("arn").asText(),
                            (ObjectNode) entry.path("request"), Instant.parse(entry.path("at").asText()), null));
                } else if (jobs.containsKey(key)) {
                    final Job job = jobs.get(key);
                    jobs.put(key, new Job(job.api(), job.id(), job.arn(), job.request(), job.createdAt(), (ObjectNode) entry));
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the model service job journal " + file, e);
        }
        return new ArrayList<>(jobs.values());
    }

    /**
     * Rebuilds the recorded jobs of {@code api}: each is made by {@code rebuild} (and so known again); an ended one is
     * given its end, a running one handed to {@code runAgain}.
     */
    <J> void restore(final String api, final Function<Job, J> rebuild, final BiConsumer<J, JsonNode> end,
                     final Consumer<J> runAgain) {
        for (final Job one : recorded) {
            if (!api.equals(one.api())) {
                continue;
            }
            final J job = rebuild.apply(one);
            if (one.end() != null) {
                end.accept(job, one.end());
            } else {
                runAgain.accept(job);
            }
        }
    }

    synchronized void created(final String api, final String id, final String arn, final ObjectNode request, final Instant at) {
        final ObjectNode entry = entry(api, "created", id);
        entry.put("arn", arn);
        entry.set("request", request);
        entry.put("at", at.toString());
        append(entry);
    }

    /** {@code details}: the end's status, reason, time and counts, as the API's own restore reads them back. */
    synchronized void ended(final String api, final String id, final ObjectNode details) {
        final ObjectNode entry = entry(api, "ended", id);
        entry.setAll(details);
        append(entry);
    }

    private static ObjectNode entry(final String api, final String event, final String id) {
        final ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("api", api);
        entry.put("event", event);
        entry.put("id", id);
        return entry;
    }

    private void append(final ObjectNode entry) {
        if (file == null || closed) {
            return;
        }
        try {
            if (writer == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            writer.write(JSON.writeValueAsString(entry));
            writer.newLine();
            writer.flush();
        } catch (final IOException e) {
            // A job the service runs but could not record is only forgotten by a restart, as before this journal.
            LOG.warn("model service job journal {}: cannot record {} {} of job {}: {}", file, entry.path("api").asText(),
                    entry.path("event").asText(), entry.path("id").asText(), e.getMessage());
        }
    }

    /**
     * Stops recording: jobs the closing service cuts off (their S3 client closes under them) end there as failures
     * that AWS would not have had, so they are left running in the journal and run again at the next start.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (writer != null) {
            try {
                writer.close();
            } catch (final IOException e) {
                LOG.warn("model service job journal {}: cannot close it: {}", file, e.getMessage());
            }
        }
    }
}
