package dev.mlbatch.stack.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Runs one OpenAI batch of {@code /v1/embeddings} requests: validates the whole input file first (any bad line fails
 * the batch with {@code errors}, as OpenAI does), then embeds line by line with all-MiniLM-L6-v2, writing successful
 * lines to the output file and per-request failures to the error file.
 */
final class OpenAiBatchRunner {

    static final String EMBEDDINGS = "/v1/embeddings";
    static final Set<String> MODELS = Set.of("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002");
    static final int MAX_REQUESTS = 50_000;
    private static final int MAX_LISTED_ERRORS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiBatchRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A new output or error file, registered by the API so that clients can read it. */
    interface FileSink {
        String create(String filename, OutputWriter writer);
    }

    /** Writes a file's bytes; returns the number of lines written (0: the file is not kept). */
    interface OutputWriter {
        int write(OutputStream out) throws IOException;
    }

    private final StoredFiles files;
    private final MiniLmModel model;
    private final FaultInjector faults;
    private final LongSupplier stateDelayMillis;
    private final Clock clock;

    OpenAiBatchRunner(StoredFiles files, MiniLmModel model, FaultInjector faults, LongSupplier stateDelayMillis, Clock clock) {
        this.files = files;
        this.model = model;
        this.faults = faults;
        this.stateDelayMillis = stateDelayMillis;
        this.clock = clock;
    }

    void run(OpenAiBatch batch, FileSink sink) {
        long t0 = System.nanoTime();
        try {
            Optional<FaultInjector.JobFault> fault = faults.jobFault("openai", batch.jobName());
            pause();
            if (batch.cancelRequested()) {
                batch.cancelled(now());
                log(batch);
                return;
            }
            List<ObjectNode> requests = new ArrayList<>();
            ArrayNode errors = validate(new String(files.read(batch.inputFileId()), StandardCharsets.UTF_8), batch, requests);
            if (!errors.isEmpty()) {
                batch.fail(errors, now());
                log(batch);
                return;
            }
            batch.total.set(requests.size());
            batch.setModel(requests.get(0).at("/body/model").asText());
            pause();
            if (!batch.advance("in_progress", now())) {
                batch.cancelled(now());
                log(batch);
                return;
            }
            log(batch);
            if (fault.isPresent() && "fail".equals(fault.get().action())) {
                pause();
                ArrayNode injected = JsonNodeFactory.instance.arrayNode();
                injected.add(error("injected_failure", Optional.ofNullable(fault.get().message())
                        .orElse("The batch failed (injected failure)."), null, null));
                batch.fail(injected, now());
                log(batch);
                return;
            }
            int limit = fault.isPresent() && "expire".equals(fault.get().action()) ? requests.size() / 2 : requests.size();
            List<ObjectNode> failures = new ArrayList<>();
            String outputId = sink.create(batch.id() + "_output.jsonl", out -> embedAll(batch, requests, limit, out, failures));
            String errorId = sink.create(batch.id() + "_error.jsonl", out -> writeAll(failures, out));
            if (limit < requests.size()) {
                pause();
                batch.expire(outputId, errorId, now());
                log(batch);
                return;
            }
            if (!batch.cancelRequested()) {
                pause();
                if (batch.advance("finalizing", now())) {
                    log(batch);
                }
                pause();
            }
            batch.complete(outputId, errorId, now());
            LOG.info("openai batch {} ({}) -> {}: {} ok, {} failed of {} in {} ms", batch.id(), batch.jobName(),
                    batch.status(), batch.completed.get(), batch.failed.get(), batch.total.get(), (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("openai batch {} failed unexpectedly", batch.id(), e);
            ArrayNode internal = JsonNodeFactory.instance.arrayNode();
            internal.add(error("server_error", "The batch failed: " + e.getMessage(), null, null));
            batch.fail(internal, now());
        }
    }

    /** Embeds requests [0, limit) into {@code out}, keeping the per-request failures aside for the error file. */
    private int embedAll(OpenAiBatch batch, List<ObjectNode> requests, int limit, OutputStream out,
                         List<ObjectNode> failures) throws IOException {
        int written = 0;
        for (int i = 0; i < limit && !batch.cancelRequested(); i++) {
            ObjectNode request = requests.get(i);
            ObjectNode line = JsonNodeFactory.instance.objectNode();
            line.put("id", "batch_req_" + OpenAiApi.hex(32));
            line.set("custom_id", request.get("custom_id"));
            ObjectNode response = line.putObject("response");
            try {
                ObjectNode body = embeddings(request.get("body"));
                response.put("status_code", 200);
                response.put("request_id", OpenAiApi.hex(32));
                response.set("body", body);
                line.putNull("error");
                out.write(JSON.writeValueAsBytes(line));
                out.write('\n');
                written++;
                batch.completed.incrementAndGet();
            } catch (IllegalArgumentException e) {
                // OpenAI reports a failed request inside response.body, with the top-level error null.
                response.put("status_code", 400);
                response.put("request_id", OpenAiApi.hex(32));
                ObjectNode error = response.putObject("body").putObject("error");
                error.put("message", e.getMessage());
                error.put("type", "invalid_request_error");
                error.put("param", "input");
                error.putNull("code");
                line.putNull("error");
                failures.add(line);
                batch.failed.incrementAndGet();
            }
        }
        return written;
    }

    private static int writeAll(List<ObjectNode> lines, OutputStream out) throws IOException {
        for (ObjectNode line : lines) {
            out.write(JSON.writeValueAsBytes(line));
            out.write('\n');
        }
        return lines.size();
    }

    /**
     * The body of a {@code /v1/embeddings} answer for {@code request} ({@code input}: a string or an array of strings).
     *
     * @throws IllegalArgumentException with OpenAI's message when the input cannot be embedded
     */
    ObjectNode embeddings(JsonNode request) {
        JsonNode input = request.get("input");
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            texts.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw new IllegalArgumentException("'$.input' is invalid: every item must be a string "
                            + "(the local stand-in does not take token arrays).");
                }
                texts.add(item.asText());
            }
        } else {
            throw new IllegalArgumentException("'$.input' is invalid: it must be a non-empty string or array of strings.");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                throw new IllegalArgumentException("'$.input' is invalid: " + (texts.size() == 1 ? "the input" : "item " + i)
                        + " is empty; an empty string cannot be embedded.");
            }
            MiniLmModel.Embedded e = model.embed(texts.get(i));
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            ArrayNode vector = item.putArray("embedding");
            for (float f : e.vector()) {
                vector.add(f);
            }
            tokens += e.tokens();
        }
        body.put("model", request.path("model").asText());
        body.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return body;
    }

    /** Checks every line as OpenAI's validating step does; fills {@code requests} and returns the errors (empty: valid). */
    static ArrayNode validate(String content, OpenAiBatch batch, List<ObjectNode> requests) {
        ArrayNode errors = JsonNodeFactory.instance.arrayNode();
        Set<String> customIds = new HashSet<>();
        String batchModel = null;
        String[] lines = content.split("\n", -1);
        int count = 0;
        for (int i = 0; i < lines.length && errors.size() < MAX_LISTED_ERRORS; i++) {
            String text = lines[i].strip();
            if (text.isEmpty()) {
                continue;
            }
            int lineNo = i + 1;
            count++;
            if (count > MAX_REQUESTS) {
                errors.add(error("too_many_requests", "The batch input file has more than the maximum of " + MAX_REQUESTS
                        + " requests per batch.", null, lineNo));
                break;
            }
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                errors.add(error("invalid_json_line", "This line is not parseable as a JSON object.", null, lineNo));
                continue;
            }
            String missing = null;
            for (String field : List.of("custom_id", "method", "url", "body")) {
                if (!node.hasNonNull(field)) {
                    missing = field;
                    break;
                }
            }
            if (missing != null) {
                errors.add(error("missing_required_parameter", "Missing required parameter: '" + missing + "'.", missing, lineNo));
                continue;
            }
            if (!"POST".equals(node.path("method").asText())) {
                errors.add(error("invalid_method", "Invalid method '" + node.path("method").asText()
                        + "'; only POST is supported.", "method", lineNo));
                continue;
            }
            if (!batch.endpoint().equals(node.path("url").asText())) {
                errors.add(error("invalid_url", "The URL provided for this request does not match the batch endpoint "
                        + batch.endpoint() + ".", "url", lineNo));
                continue;
            }
            if (!node.path("body").isObject()) {
                errors.add(error("invalid_json_line", "'body' must be a JSON object.", "body", lineNo));
                continue;
            }
            String lineModel = node.at("/body/model").asText(null);
            if (lineModel == null || !MODELS.contains(lineModel)) {
                errors.add(error("model_not_found", "The model '" + lineModel + "' does not exist or is not served by the "
                        + "local stand-in (text-embedding-3-small, text-embedding-3-large, text-embedding-ada-002).",
                        "body.model", lineNo));
                continue;
            }
            if (batchModel == null) {
                batchModel = lineModel;
            } else if (!batchModel.equals(lineModel)) {
                errors.add(error("mismatched_model", "The model '" + lineModel + "' differs from the batch's model '"
                        + batchModel + "'; every request of a batch must use the same model.", "body.model", lineNo));
                continue;
            }
            if (!customIds.add(node.path("custom_id").asText())) {
                errors.add(error("duplicate_custom_id", "The custom_id '" + node.path("custom_id").asText()
                        + "' is used by an earlier line; custom_id must be unique in a batch.", "custom_id", lineNo));
                continue;
            }
            requests.add((ObjectNode) node);
        }
        if (errors.isEmpty() && requests.isEmpty()) {
            errors.add(error("empty_file", "The batch input file is empty.", null, null));
        }
        return errors;
    }

    static ObjectNode error(String code, String message, String param, Integer line) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("code", code);
        e.put("message", message);
        e.put("param", param);
        e.put("line", line);
        return e;
    }

    private void log(OpenAiBatch batch) {
        LOG.info("openai batch {} ({}) -> {}", batch.id(), batch.jobName(), batch.status());
    }

    private long now() {
        return clock.instant().getEpochSecond();
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
