package dev.mlbatch.stack.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.stack.model.ModelServiceConfig.BedrockQuotas;
import dev.mlbatch.stack.s3.S3Store;
import dev.mlbatch.stack.s3.S3Uri;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs one Bedrock model invocation job through Bedrock's states: Submitted → Validating (input
 * files are {@code .jsonl}, one JSON object with {@code modelInput} per line, record quotas) →
 * Scheduled → InProgress → Completed / PartiallyCompleted / Failed / Stopped / Expired. Writes
 * {@code <output>/<jobId>/<file>.out} (one line per record, {@code modelOutput} or {@code error})
 * and {@code manifest.json.out}, in Bedrock's order: the {@code .out} objects while the job is
 * InProgress, then, after a gap, {@code manifest.json.out} last, and only then the final state. The
 * gap ({@value #MANIFEST_DELAY_PROPERTY} / {@value #MANIFEST_DELAY_ENV}, default
 * {@value #DEFAULT_MANIFEST_DELAY_MILLIS} ms) leaves outputs visible without their manifest, so a
 * reader that must wait for the manifest is tested, not lucky.
 */
public final class BedrockJobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(BedrockJobRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String MANIFEST_DELAY_PROPERTY = "mlbatch.bedrock.manifestDelayMillis";
    static final String MANIFEST_DELAY_ENV = "MLBATCH_BEDROCK_MANIFEST_DELAY_MS";
    static final long DEFAULT_MANIFEST_DELAY_MILLIS = 1500;

    /** One input file and its records, read during validation. */
    record InputFile(String bucket, String key, String outputName, List<ObjectNode> records) {
    }

    static final class ValidationFailure extends Exception {
        ValidationFailure(String message) {
            super(message);
        }
    }

    private final S3Store s3;
    private final TitanEmbedding titan;
    private final FaultInjector faults;
    private final LongSupplier stateDelayMillis;
    private final Supplier<BedrockQuotas> quotas;
    private final Clock clock;
    private final LongSupplier manifestDelayMillis;

    public BedrockJobRunner(S3Store s3, TitanEmbedding titan, FaultInjector faults, LongSupplier stateDelayMillis,
                            Supplier<BedrockQuotas> quotas, Clock clock) {
        this(s3, titan, faults, stateDelayMillis, quotas, clock, BedrockJobRunner::configuredManifestDelayMillis);
    }

    /** {@code manifestDelayMillis}: the gap between the last {@code .out} object and {@code manifest.json.out}. */
    BedrockJobRunner(S3Store s3, TitanEmbedding titan, FaultInjector faults, LongSupplier stateDelayMillis,
                     Supplier<BedrockQuotas> quotas, Clock clock, LongSupplier manifestDelayMillis) {
        this.manifestDelayMillis = manifestDelayMillis;
        this.s3 = s3;
        this.titan = titan;
        this.faults = faults;
        this.stateDelayMillis = stateDelayMillis;
        this.quotas = quotas;
        this.clock = clock;
    }

    public void run(InvocationJob job) {
        long t0 = System.nanoTime();
        try {
            Optional<FaultInjector.JobFault> fault = faults.jobFault("bedrock", job.jobName());
            pause();
            if (!move(job, "Validating", null)) {
                return;
            }
            List<InputFile> inputs = validate(job);
            pause();
            if (!move(job, "Scheduled", null)) {
                return;
            }
            pause();
            if (fault.isPresent() && "expire".equals(fault.get().action())) {
                move(job, "Expired", Optional.ofNullable(fault.get().message())
                        .orElse("The job expired before it could start (injected expiry)."));
                return;
            }
            if (!move(job, "InProgress", null)) {
                return;
            }
            if (fault.isPresent() && "fail".equals(fault.get().action())) {
                pause();
                move(job, "Failed", Optional.ofNullable(fault.get().message()).orElse("Internal Server Error (injected failure)"));
                return;
            }
            int limit = job.total.get();
            if (fault.isPresent() && "partial".equals(fault.get().action())) {
                limit = limit / 2;
            }
            boolean stopped = process(job, inputs, limit);
            pause();
            if (stopped || job.stopRequested()) {
                move(job, "Stopped", null);
            } else if (limit < job.total.get()) {
                move(job, "PartiallyCompleted", Optional.ofNullable(fault.map(FaultInjector.JobFault::message).orElse(null))
                        .orElse("The job did not process all records before its timeout."));
            } else {
                move(job, "Completed", null);
            }
            LOG.info("invocation job {} ({}) processed {} records ({} errors) in {} ms", job.id(), job.jobName(),
                    job.processed.get(), job.errors.get(), (System.nanoTime() - t0) / 1_000_000);
        } catch (ValidationFailure e) {
            move(job, "Failed", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("invocation job {} failed unexpectedly", job.id(), e);
            move(job, "Failed", "Internal Server Error: " + e.getMessage());
        }
    }

    /** Moves to the next state unless a stop was requested; returns false if the job is done. */
    private boolean move(InvocationJob job, String next, String message) {
        if (job.stopRequested()) {
            job.moveTo("Stopped", null, clock.instant());
            LOG.info("invocation job {} ({}) -> Stopped", job.id(), job.jobName());
            return false;
        }
        job.moveTo(next, message, clock.instant());
        LOG.info("invocation job {} ({}) -> {}{}", job.id(), job.jobName(), next, message == null ? "" : " (" + message + ")");
        return !job.isTerminal();
    }

    private List<InputFile> validate(InvocationJob job) throws ValidationFailure {
        String uriText = job.request().at("/inputDataConfig/s3InputDataConfig/s3Uri").asText();
        S3Uri uri;
        try {
            uri = S3Uri.parse(uriText);
        } catch (IllegalArgumentException e) {
            throw new ValidationFailure("Invalid S3 URI: " + uriText);
        }
        List<String[]> files = new ArrayList<>(); // {key, outputName}
        if (!uri.key().isEmpty() && !uri.key().endsWith("/") && s3.exists(uri.bucket(), uri.key())) {
            if (!uri.key().endsWith(".jsonl")) {
                throw new ValidationFailure("The input file " + uriText + " has an unsupported file extension. "
                        + "Only .jsonl files are supported.");
            }
            files.add(new String[] {uri.key(), uri.fileName()});
        } else {
            String folder = uri.keyAsFolder();
            for (String key : s3.listKeys(uri.bucket(), folder)) {
                if (key.endsWith(".jsonl")) {
                    files.add(new String[] {key, key.substring(folder.length())});
                }
            }
            if (files.isEmpty()) {
                throw new ValidationFailure("No .jsonl files found in the input S3 location " + uriText + ".");
            }
        }
        List<InputFile> inputs = new ArrayList<>();
        int total = 0;
        for (String[] file : files) {
            byte[] body = s3.get(uri.bucket(), file[0])
                    .orElseThrow(() -> new ValidationFailure("Unable to read s3://" + uri.bucket() + "/" + file[0]));
            List<ObjectNode> records = new ArrayList<>();
            int lineNo = 0;
            for (String line : TransformJobRunner.lines(new String(body, StandardCharsets.UTF_8))) {
                lineNo++;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new ValidationFailure("Invalid JSON on line " + lineNo + " of s3://" + uri.bucket() + "/" + file[0]);
                }
                if (!node.isObject() || !node.path("modelInput").isObject()) {
                    throw new ValidationFailure("Line " + lineNo + " of s3://" + uri.bucket() + "/" + file[0]
                            + " does not have a modelInput object.");
                }
                records.add((ObjectNode) node);
            }
            total += records.size();
            inputs.add(new InputFile(uri.bucket(), file[0], file[1], records));
        }
        BedrockQuotas q = quotas.get();
        if (total < q.minRecordsPerJob()) {
            throw new ValidationFailure("The number of records in the input (" + total + ") is less than the minimum of "
                    + q.minRecordsPerJob() + " records per batch inference job for this model.");
        }
        if (total > q.maxRecordsPerJob()) {
            throw new ValidationFailure("The number of records in the input (" + total + ") exceeds the maximum of "
                    + q.maxRecordsPerJob() + " records per batch inference job for this model.");
        }
        job.total.set(total);
        return inputs;
    }

    /** Returns true if the job was stopped while processing. */
    private boolean process(InvocationJob job, List<InputFile> inputs, int limit) {
        S3Uri out = S3Uri.parse(job.request().at("/outputDataConfig/s3OutputDataConfig/s3Uri").asText());
        String folder = out.keyAsFolder() + job.id() + "/";
        int budget = limit;
        boolean stopped = false;
        for (InputFile input : inputs) {
            ByteArrayOutputStream body = new ByteArrayOutputStream(input.records().size() * 8192);
            for (ObjectNode record : input.records()) {
                if (budget-- <= 0) {
                    break;
                }
                if (job.stopRequested()) {
                    stopped = true;
                    break;
                }
                write(body, outputLine(job, record));
            }
            if (body.size() > 0) {
                s3.put(out.bucket(), folder + input.outputName() + ".out", body.toByteArray(), "application/jsonl");
            }
            if (stopped || budget <= 0) {
                break;
            }
        }
        // Bedrock writes the manifest after every output file; readers must not take the outputs as complete before.
        sleep(manifestDelayMillis.getAsLong());
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("totalRecordCount", job.total.get());
        manifest.put("processedRecordCount", job.processed.get());
        manifest.put("successRecordCount", job.success.get());
        manifest.put("errorRecordCount", job.errors.get());
        manifest.put("inputTokenCount", job.inputTokens.get());
        manifest.put("outputTokenCount", 0);
        try {
            s3.put(out.bucket(), folder + "manifest.json.out", JSON.writeValueAsBytes(manifest), "application/json");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return stopped;
    }

    private ObjectNode outputLine(InvocationJob job, ObjectNode record) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        JsonNode id = record.get("recordId");
        line.put("recordId", id == null || id.isNull() ? generatedRecordId() : id.asText());
        line.set("modelInput", record.get("modelInput"));
        try {
            ObjectNode output = titan.invoke(record.get("modelInput"));
            line.set("modelOutput", output);
            job.success.incrementAndGet();
            job.inputTokens.addAndGet(output.path("inputTextTokenCount").asInt());
        } catch (IllegalArgumentException e) {
            ObjectNode error = line.putObject("error");
            error.put("errorCode", 400);
            error.put("errorMessage", e.getMessage());
            job.errors.incrementAndGet();
        }
        job.processed.incrementAndGet();
        return line;
    }

    private static void write(ByteArrayOutputStream out, ObjectNode line) {
        try {
            out.write(JSON.writeValueAsBytes(line));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        out.write('\n');
    }

    private static String generatedRecordId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder sb = new StringBuilder(11);
        for (int i = 0; i < 11; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** The system property, else the environment variable, else the default; read per job so a change applies to the next. */
    static long configuredManifestDelayMillis() {
        String value = System.getProperty(MANIFEST_DELAY_PROPERTY);
        String source = MANIFEST_DELAY_PROPERTY;
        if (value == null || value.isBlank()) {
            value = System.getenv(MANIFEST_DELAY_ENV);
            source = MANIFEST_DELAY_ENV;
        }
        if (value == null || value.isBlank()) {
            return DEFAULT_MANIFEST_DELAY_MILLIS;
        }
        try {
            long ms = Long.parseLong(value.trim());
            if (ms >= 0) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warn("{}='{}' is not a number of milliseconds >= 0; using {} ms between the .out files and manifest.json.out",
                source, value, DEFAULT_MANIFEST_DELAY_MILLIS);
        return DEFAULT_MANIFEST_DELAY_MILLIS;
    }

    private void pause() {
        sleep(stateDelayMillis.getAsLong());
    }

    private static void sleep(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
