package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.client.ProviderApiClient;
import dev.mlbatch.plugins.mlinference.client.ProviderApiException;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Cohere's embed jobs beside ML Commons: the input object (stage 1 wrote {@code {"text","id"}} lines) is uploaded as a
 * dataset, {@code POST /v1/datasets?name=<s3 URI of the object>&type=embed-input&keep_fields=id}, and waited for
 * until Cohere validated it ({@code validation_status}); a failed validation refuses the job with Cohere's
 * {@code validation_error}. The completed job's {@code output_dataset_id} parts are downloaded into
 * {@code <output_path>/<job name>/embeddings.jsonl}. A job is found by name through {@code GET /v1/embed-jobs}.
 */
public final class CohereDatasets extends HostedBatchApi {
    public static final String OUTPUT_FILE = "embeddings.jsonl";
    private static final Duration FIRST_VALIDATION_POLL = Duration.ofMillis(200);
    private static final Duration MAX_VALIDATION_POLL = Duration.ofSeconds(5);

    private final Duration validationTimeout;

    public CohereDatasets(final ProviderApiClient api, final S3Client s3, final ObjectMapper mapper, final String outputPath,
                          final Duration validationTimeout) {
        super(api, s3, mapper, outputPath);
        this.validationTimeout = validationTimeout;
    }

    @Override
    protected String send(final InputObject input, final String jobName, final byte[] content) {
        final JsonNode dataset = api.postMultipart("/v1/datasets?name=" + ProviderApiClient.encode(input.s3Uri())
                        + "&type=embed-input&keep_fields=id",
                new ProviderApiClient.Part("data", fileName(input), "application/jsonl", content));
        final String id = dataset.path("id").asText("");
        if (id.isEmpty()) {
            throw new ProviderApiException(502, "Cohere answered the upload of " + input.s3Uri() + " without a dataset id: " + dataset);
        }
        return id;
    }

    /** Cohere validates a dataset before a job may use it: wait for validated, refuse on failed. */
    @Override
    protected String accepted(final String id, final InputObject input, final String jobName) {
        final long deadline = System.nanoTime() + validationTimeout.toNanos();
        Duration pause = FIRST_VALIDATION_POLL;
        while (true) {
            final JsonNode dataset = api.getJson("/v1/datasets/" + ProviderApiClient.encode(id)).path("dataset");
            final String state = dataset.path("validation_status").asText("");
            if ("validated".equalsIgnoreCase(state)) {
                return id;
            }
            if ("failed".equalsIgnoreCase(state)) {
                forgetUpload(jobName);
                throw new ProviderApiException(422, "Cohere refused dataset " + id + " of " + input.s3Uri() + " (validation failed): "
                        + dataset.path("validation_error").asText("no reason given"));
            }
            if (System.nanoTime() > deadline) {
                // Retried later with the same dataset (remembered by job name), not uploaded again.
                throw new ProviderApiException(408, "Cohere has not validated dataset " + id + " of " + input.s3Uri() + " within "
                        + "provider_api.validation_timeout " + validationTimeout + " (validation_status " + state + ")");
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderApiException("interrupted while waiting for Cohere to validate dataset " + id, e);
            }
            pause = pause.multipliedBy(2).compareTo(MAX_VALIDATION_POLL) > 0 ? MAX_VALIDATION_POLL : pause.multipliedBy(2);
        }
    }

    @Override
    public Optional<String> findJob(final String jobName) {
        for (final JsonNode job : api.getJson("/v1/embed-jobs").path("embed_jobs")) {
            if (jobName.equals(job.path("name").asText(null))) {
                return Optional.of(job.path("job_id").asText());
            }
        }
        return Optional.empty();
    }

    @Override
    public String remoteIdField() {
        return "job_id";
    }

    @Override
    public CopiedOutputs copyOutputs(final JobRecord record, final TaskStatus status) {
        final String datasetId = status.remoteJob().path("output_dataset_id").asText("");
        if (datasetId.isEmpty()) {
            throw new ProviderApiException(502, "Cohere's completed embed job " + status.remoteJob().path("job_id").asText("?")
                    + " (" + record.jobName() + ") names no output_dataset_id");
        }
        final JsonNode dataset = api.getJson("/v1/datasets/" + ProviderApiClient.encode(datasetId)).path("dataset");
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (final JsonNode part : dataset.path("dataset_parts")) {
            final String url = part.path("url").asText("");
            if (url.isEmpty()) {
                throw new ProviderApiException(502, "part " + part.path("name").asText("?") + " of Cohere dataset " + datasetId + " has no url");
            }
            final byte[] content = api.download(url);
            all.writeBytes(content);
            if (content.length > 0 && content[content.length - 1] != '\n') {
                all.write('\n');
            }
        }
        final byte[] embeddings = all.toByteArray();
        put(record.jobName(), OUTPUT_FILE, embeddings);
        final Map<String, RecordOutcome> byId = newOutcomes();
        final Map<String, RecordOutcome> byText = newOutcomes();
        for (final JsonNode row : lines(embeddings)) {
            final JsonNode vector = row.path("embeddings").path("float");
            final RecordOutcome outcome = vector.isArray() && !vector.isEmpty() ? new RecordOutcome(200, null)
                    : new RecordOutcome(500, "Cohere's output row holds no float embedding");
            if (row.hasNonNull("id")) {
                byId.put(row.get("id").asText(), outcome);
            } else if (row.hasNonNull("text")) {
                byText.put(row.get("text").asText(), outcome);
            }
        }
        return new CopiedOutputs(outputUri(record), null, byId, byText);
    }

    @Override
    public boolean outputsGone(final TaskStatus status) {
        final String datasetId = status.remoteJob().path("output_dataset_id").asText("");
        return !datasetId.isEmpty() && missingAtProvider("/v1/datasets/" + ProviderApiClient.encode(datasetId));
    }

    @Override
    public String outputUri(final JobRecord record) {
        return uri(record.jobName(), OUTPUT_FILE);
    }

    @Override
    public Optional<String> recordId(final JsonNode record) {
        final JsonNode id = record.path("id");
        return id.isValueNode() && !id.isNull() ? Optional.of(id.asText()) : Optional.empty();
    }

    @Override
    public Optional<String> recordText(final JsonNode record) {
        return record.path("text").isTextual() ? Optional.of(record.path("text").asText()) : Optional.empty();
    }

    private static String fileName(final InputObject input) {
        final String name = InputFiles.fileName(input.key());
        return name.endsWith(".jsonl") ? name : name + ".jsonl";
    }
}
