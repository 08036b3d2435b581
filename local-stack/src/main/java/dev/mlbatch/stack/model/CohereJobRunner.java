package dev.mlbatch.stack.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Validates Cohere {@code embed-input} datasets and runs embed jobs over them with all-MiniLM-L6-v2. A dataset row
 * keeps {@code text} and the dataset's {@code keep_fields} only; a row whose text is blank is accepted (with a
 * validation warning) and left out of the job's output, which is how a row that cannot be embedded shows.
 */
final class CohereJobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CohereJobRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_WARNINGS = 10;

    private final StoredFiles files;
    private final MiniLmModel model;
    private final FaultInjector faults;
    private final LongSupplier stateDelayMillis;
    private final Clock clock;

    CohereJobRunner(StoredFiles files, MiniLmModel model, FaultInjector faults, LongSupplier stateDelayMillis, Clock clock) {
        this.files = files;
        this.model = model;
        this.faults = faults;
        this.stateDelayMillis = stateDelayMillis;
        this.clock = clock;
    }

    void validate(CohereDataset dataset) {
        try {
            pause();
            dataset.processing(clock.instant());
            pause();
            byte[] raw = files.read(dataset.rawFileId());
            List<String> warnings = new ArrayList<>();
            int rows = 0;
            try (OutputStream out = files.create(dataset.partFileId())) {
                String[] lines = new String(raw, StandardCharsets.UTF_8).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    String text = lines[i].strip();
                    if (text.isEmpty()) {
                        continue;
                    }
                    int lineNo = i + 1;
                    JsonNode node;
                    try {
                        node = JSON.readTree(text);
                    } catch (JsonProcessingException e) {
                        node = null;
                    }
                    if (node == null || !node.isObject()) {
                        fail(dataset, "line " + lineNo + " is not a JSON object");
                        return;
                    }
                    if (!node.path("text").isTextual()) {
                        fail(dataset, "line " + lineNo + " has no string field 'text' (required for embed-input)");
                        return;
                    }
                    ObjectNode row = JsonNodeFactory.instance.objectNode();
                    row.set("text", node.get("text"));
                    for (String keep : dataset.keepFields()) {
                        if (!node.has(keep)) {
                            fail(dataset, "line " + lineNo + " lacks the field '" + keep + "' named in keep_fields");
                            return;
                        }
                        row.set(keep, node.get(keep));
                    }
                    if (node.path("text").asText().isBlank() && warnings.size() < MAX_WARNINGS) {
                        warnings.add("line " + lineNo + ": text is empty; this row will not be embedded");
                    }
                    out.write(JSON.writeValueAsBytes(row));
                    out.write('\n');
                    rows++;
                }
            }
            if (rows == 0) {
                fail(dataset, "the file has no rows");
                return;
            }
            files.delete(dataset.rawFileId());
            dataset.validated(rows, files.size(dataset.partFileId()), warnings, clock.instant());
            LOG.info("cohere dataset {} ({}) -> validated, {} rows", dataset.id(), dataset.name(), rows);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cohere dataset {} could not be validated", dataset.id(), e);
            fail(dataset, "internal error while validating: " + e.getMessage());
        }
    }

    private void fail(CohereDataset dataset, String why) {
        files.delete(dataset.partFileId());
        dataset.failed(why, clock.instant());
        LOG.info("cohere dataset {} ({}) -> failed: {}", dataset.id(), dataset.name(), why);
    }

    /**
     * Runs {@code job} over {@code input}'s rows; on success {@code register} receives the output dataset (already
     * validated, rows written) before the job says {@code complete}.
     */
    void run(CohereEmbedJob job, CohereDataset input, CohereDataset output, Consumer<CohereDataset> register) {
        long t0 = System.nanoTime();
        try {
            Optional<FaultInjector.JobFault> fault = faults.jobFault("cohere", job.jobName());
            pause();
            if (job.cancelRequested()) {
                cancelled(job);
                return;
            }
            if (fault.isPresent() && ("fail".equals(fault.get().action()) || "expire".equals(fault.get().action()))) {
                pause();
                job.fail(Optional.ofNullable(fault.get().message()).orElse("injected " + fault.get().action()));
                LOG.info("cohere embed job {} ({}) -> {} ({})", job.id(), job.jobName(), job.status(), job.failure());
                return;
            }
            int rows = 0;
            int skipped = 0;
            boolean stopped = false;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(files.open(input.partFileId()), StandardCharsets.UTF_8));
                 OutputStream out = files.create(output.partFileId())) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (job.cancelRequested()) {
                        stopped = true;
                        break;
                    }
                    if (line.isBlank()) {
                        continue;
                    }
                    ObjectNode row = (ObjectNode) JSON.readTree(line);
                    String text = row.path("text").asText();
                    if (text.isBlank()) {
                        skipped++;
                        continue;
                    }
                    ArrayNode vector = row.putObject("embeddings").putArray("float");
                    for (float f : model.embed(text).vector()) {
                        vector.add(f);
                    }
                    out.write(JSON.writeValueAsBytes(row));
                    out.write('\n');
                    rows++;
                }
            }
            if (stopped || job.cancelRequested()) {
                files.delete(output.partFileId());
                pause();
                cancelled(job);
                return;
            }
            output.validated(rows, files.size(output.partFileId()), List.of(), clock.instant());
            register.accept(output);
            pause();
            job.complete(output.id());
            LOG.info("cohere embed job {} ({}) -> {}: {} rows embedded, {} blank rows left out, in {} ms", job.id(),
                    job.jobName(), job.status(), rows, skipped, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            job.fail("internal error: " + e.getMessage());
            LOG.warn("cohere embed job {} failed", job.id(), e);
        } catch (RuntimeException e) {
            job.fail("internal error: " + e.getMessage());
            LOG.warn("cohere embed job {} failed unexpectedly", job.id(), e);
        }
    }

    private void cancelled(CohereEmbedJob job) {
        job.cancelled();
        LOG.info("cohere embed job {} ({}) -> {}", job.id(), job.jobName(), job.status());
    }

    private void pause() {
        long ms = stateDelayMillis.getAsLong();
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
