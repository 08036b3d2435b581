package dev.mlbatch.stack.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mlbatch.stack.s3.S3Store;
import dev.mlbatch.stack.s3.S3Uri;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Runs one SageMaker transform job as SageMaker Batch Transform does: reads every input object
 * (S3 prefix or manifest), splits it into lines, applies InputFilter, embeds each record like the DJL
 * container, joins the result to the input ({@code SageMakerOutput}), applies OutputFilter and
 * writes {@code <S3OutputPath>/<relative key>.out} with one line per input record. Any failing record
 * fails the job; objects are written only when complete.
 */
public final class TransformJobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TransformJobRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One input object and its key relative to the input prefix (kept in the output key). */
    record InputObject(String bucket, String key, String relativeKey) {
    }

    /** A failure the job reports as its FailureReason. */
    static final class JobFailure extends Exception {
        JobFailure(String message) {
            super(message);
        }
    }

    private final S3Store s3;
    private final DjlTextEmbedding embedding;
    private final FaultInjector faults;
    private final LongSupplier stateDelayMillis;
    private final Clock clock;

    public TransformJobRunner(S3Store s3, DjlTextEmbedding embedding, FaultInjector faults, LongSupplier stateDelayMillis,
                              Clock clock) {
        this.s3 = s3;
        this.embedding = embedding;
        this.faults = faults;
        this.stateDelayMillis = stateDelayMillis;
        this.clock = clock;
    }

    public void run(TransformJob job) {
        job.started(clock.instant());
        long t0 = System.nanoTime();
        try {
            Optional<FaultInjector.JobFault> fault = faults.jobFault("sagemaker", job.name());
            pause();
            if (fault.isPresent()) {
                String reason = fault.get().message() != null ? fault.get().message()
                        : "expire".equals(fault.get().action()) ? "ClientError: The transform job timed out (injected expiry)"
                        : "AlgorithmError: injected failure";
                finish(job, "Failed", reason);
                return;
            }
            int records = 0;
            List<InputObject> inputs = inputs(job.request());
            String outputPath = text(job.request().at("/TransformOutput/S3OutputPath"));
            S3Uri out = S3Uri.parse(outputPath);
            for (InputObject input : inputs) {
                if (job.stopRequested()) {
                    finish(job, "Stopped", null);
                    return;
                }
                Optional<byte[]> body = transform(job, input);
                if (body.isEmpty()) {
                    finish(job, "Stopped", null);
                    return;
                }
                String key = out.keyAsFolder() + input.relativeKey() + ".out";
                s3.put(out.bucket(), key, body.get(), "application/json");
                records += countLines(body.get());
            }
            pause();
            if (job.stopRequested()) {
                finish(job, "Stopped", null);
                return;
            }
            finish(job, "Completed", null);
            LOG.info("transform job {} wrote {} records from {} objects in {} ms", job.name(), records, inputs.size(),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (JobFailure e) {
            finish(job, "Failed", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("transform job {} failed unexpectedly", job.name(), e);
            finish(job, "Failed", "InternalServerError: " + e.getMessage());
        }
    }

    private void finish(TransformJob job, String status, String reason) {
        job.finish(status, reason, clock.instant());
        LOG.info("transform job {} -> {}{}", job.name(), status, reason == null ? "" : " (" + reason + ")");
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

    List<InputObject> inputs(JsonNode request) throws JobFailure {
        JsonNode source = request.at("/TransformInput/DataSource/S3DataSource");
        String type = text(source.get("S3DataType"));
        S3Uri uri = parse(text(source.get("S3Uri")));
        List<InputObject> inputs = new ArrayList<>();
        if ("ManifestFile".equals(type)) {
            byte[] manifest = s3.get(uri.bucket(), uri.key())
                    .orElseThrow(() -> new JobFailure("ClientError: Unable to read the manifest file " + uri));
            JsonNode entries;
            try {
                entries = JSON.readTree(manifest);
            } catch (java.io.IOException e) {
                throw new JobFailure("ClientError: The manifest file " + uri + " is not valid JSON");
            }
            if (!entries.isArray() || entries.isEmpty() || !entries.get(0).has("prefix")) {
                throw new JobFailure("ClientError: The manifest file must be a JSON array starting with {\"prefix\": ...}");
            }
            S3Uri prefix = parse(entries.get(0).get("prefix").asText());
            for (int i = 1; i < entries.size(); i++) {
                String relative = entries.get(i).asText();
                inputs.add(new InputObject(prefix.bucket(), prefix.key() + relative, relative));
            }
        } else if ("S3Prefix".equals(type)) {
            String folder = uri.key().contains("/") ? uri.key().substring(0, uri.key().lastIndexOf('/') + 1) : "";
            for (String key : s3.listKeys(uri.bucket(), uri.key())) {
                if (!key.endsWith("/")) {
                    inputs.add(new InputObject(uri.bucket(), key, key.substring(folder.length())));
                }
            }
        } else {
            throw new JobFailure("ClientError: S3DataType " + type + " is not supported by the local model service");
        }
        if (inputs.isEmpty()) {
            throw new JobFailure("ClientError: No S3 objects found under S3 URL \"" + uri + "\" given in input data source.");
        }
        return inputs;
    }

    /** The output object for one input object, or empty if the job was stopped meanwhile. */
    private Optional<byte[]> transform(TransformJob job, InputObject input) throws JobFailure {
        JsonNode request = job.request();
        byte[] body = s3.get(input.bucket(), input.key())
                .orElseThrow(() -> new JobFailure("ClientError: Unable to read s3://" + input.bucket() + "/" + input.key()));
        String contentType = text(request.at("/TransformInput/ContentType"));
        boolean json = contentType == null || contentType.contains("json");
        String split = Optional.ofNullable(text(request.at("/TransformInput/SplitType"))).orElse("None");
        JsonNode processing = request.path("DataProcessing");
        JsonPathFilter inputFilter = filter(text(processing.get("InputFilter")));
        JsonPathFilter outputFilter = filter(text(processing.get("OutputFilter")));
        boolean join = "Input".equals(text(processing.get("JoinSource")));
        String text = new String(body, StandardCharsets.UTF_8);
        List<String> records = "Line".equals(split) ? lines(text) : List.of(text);
        if (records.isEmpty()) {
            throw new JobFailure("ClientError: The input object s3://" + input.bucket() + "/" + input.key() + " is empty");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(records.size() * 4096);
        int lineNo = 0;
        for (String record : records) {
            lineNo++;
            if (job.stopRequested()) {
                return Optional.empty();
            }
            JsonNode original = json ? parseRecord(record, input, lineNo) : TextNode.valueOf(record);
            JsonNode result;
            try {
                result = json ? embedding.embedJson(inputFilter.apply(original)) : embedding.embedText(record);
            } catch (IllegalArgumentException e) {
                throw new JobFailure("ClientError: See job logs for more information (record " + lineNo + " of s3://"
                        + input.bucket() + "/" + input.key() + ": " + e.getMessage() + ")");
            }
            JsonNode joined = join ? join(original, result) : result;
            JsonNode selected = outputFilter.apply(joined);
            try {
                out.write(JSON.writeValueAsBytes(selected == null ? JsonNodeFactory.instance.nullNode() : selected));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            out.write('\n');
        }
        return Optional.of(out.toByteArray());
    }

    /** JoinSource=Input: the input object plus SageMakerOutput, keys in code-point order as SageMaker writes them. */
    static JsonNode join(JsonNode original, JsonNode result) {
        Map<String, JsonNode> sorted = new TreeMap<>();
        if (original.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = original.fields();
            fields.forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        } else {
            sorted.put("SageMakerInput", original);
        }
        sorted.put("SageMakerOutput", result);
        ObjectNode joined = JsonNodeFactory.instance.objectNode();
        sorted.forEach(joined::set);
        return joined;
    }

    private static JsonNode parseRecord(String record, InputObject input, int lineNo) throws JobFailure {
        try {
            return JSON.readTree(record);
        } catch (JsonProcessingException e) {
            throw new JobFailure("ClientError: Invalid JSON on line " + lineNo + " of s3://" + input.bucket() + "/" + input.key());
        }
    }

    private static JsonPathFilter filter(String expression) throws JobFailure {
        try {
            return JsonPathFilter.of(expression);
        } catch (IllegalArgumentException e) {
            throw new JobFailure("ClientError: " + e.getMessage());
        }
    }

    /** Lines of an object; blank lines (e.g. after the final newline) are not records. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static int countLines(byte[] body) {
        int n = 0;
        for (byte b : body) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    private static S3Uri parse(String uri) throws JobFailure {
        try {
            return S3Uri.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new JobFailure("ClientError: " + e.getMessage());
        }
    }

    static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }
}
