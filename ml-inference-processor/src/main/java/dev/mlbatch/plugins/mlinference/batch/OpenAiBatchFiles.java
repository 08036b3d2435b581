package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.client.ProviderApiClient;
import dev.mlbatch.plugins.mlinference.client.ProviderApiException;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's Batch API beside ML Commons: the input object (stage 1 wrote OpenAI batch lines,
 * {@code {"custom_id","method","url","body":{"model","input"}}}) is uploaded with {@code POST /v1/files}
 * (purpose {@code batch}); the finished batch's {@code output_file_id} and {@code error_file_id} contents
 * ({@code GET /v1/files/{id}/content}) are copied to {@code <output_path>/<job name>/<input file name>.out} and
 * {@code <input file name>.errors.jsonl}, named after the input file as Bedrock names its outputs, so that stage 3
 * can find an output's raw documents by its file name. A batch is found by name through its {@code metadata.job_name}.
 */
public final class OpenAiBatchFiles extends HostedBatchApi {
    /** Appended to the input file's name for the S3 copy of the batch's output file. */
    public static final String OUTPUT_SUFFIX = ".out";
    /** Appended to the input file's name for the S3 copy of the batch's error file (stage 3 skips {@code errors.jsonl}). */
    public static final String ERRORS_SUFFIX = ".errors.jsonl";
    /** Batches listed at most when looking a job up at OpenAI (newest first, 100 a page). */
    private static final int MAX_LISTED_PAGES = 20;

    public OpenAiBatchFiles(final ProviderApiClient api, final S3Client s3, final ObjectMapper mapper, final String outputPath) {
        super(api, s3, mapper, outputPath);
    }

    /**
     * The name of the file the job's batch ran on: the last segment of its input object's key. An OpenAI job has one
     * input (one batch per object; only SageMaker groups objects), the one {@link #upload} sent; should a job ever have
     * several, the first is that one. Derived work (screened records, halves, follow-ups) is staged under its own
     * folder with the original file name, so its outputs carry the original name too.
     */
    public static String inputFileName(final JobRecord record) {
        if (record.inputs().isEmpty()) {
            throw new IllegalStateException("job " + record.jobName() + " has no input object to name its outputs after");
        }
        return InputFiles.fileName(record.inputs().get(0).key());
    }

    /** The file name of the S3 copy of the job's output file, {@code <input file name>.out}. */
    public static String outputFileName(final JobRecord record) {
        return inputFileName(record) + OUTPUT_SUFFIX;
    }

    /** The file name of the S3 copy of the job's error file, {@code <input file name>.errors.jsonl}. */
    public static String errorsFileName(final JobRecord record) {
        return inputFileName(record) + ERRORS_SUFFIX;
    }

    @Override
    protected String send(final InputObject input, final String jobName, final byte[] content) {
        // The file name ends in .jsonl, which the Batch API requires, whatever the S3 key is called.
        final JsonNode file = api.postMultipart("/v1/files", ProviderApiClient.Part.field("purpose", "batch"),
                new ProviderApiClient.Part("file", jobName + ".jsonl", "application/jsonl", content));
        final String id = file.path("id").asText("");
        if (id.isEmpty()) {
            throw new ProviderApiException(502, "OpenAI answered the upload of " + input.s3Uri()
                    + " without a file id: " + file);
        }
        return id;
    }

    @Override
    public Optional<String> findJob(final String jobName) {
        String after = null;
        for (int page = 0; page < MAX_LISTED_PAGES; page++) {
            final JsonNode list = api.getJson("/v1/batches?limit=100" + (after == null ? "" : "&after=" + ProviderApiClient.encode(after)));
            for (final JsonNode batch : list.path("data")) {
                if (jobName.equals(batch.path("metadata").path("job_name").asText(null))) {
                    return Optional.of(batch.path("id").asText());
                }
            }
            if (!list.path("has_more").asBoolean(false) || list.path("data").isEmpty()) {
                return Optional.empty();
            }
            after = list.path("last_id").asText(list.path("data").get(list.path("data").size() - 1).path("id").asText());
        }
        return Optional.empty();
    }

    @Override
    public String remoteIdField() {
        return "id";
    }

    @Override
    public CopiedOutputs copyOutputs(final JobRecord record, final TaskStatus status) {
        final JsonNode batch = status.remoteJob();
        final Map<String, RecordOutcome> byId = newOutcomes();
        final byte[] output = content(batch.path("output_file_id"));
        put(record.jobName(), outputFileName(record), output);
        for (final JsonNode line : lines(output)) {
            outcome(line).ifPresent(outcome -> byId.put(line.path("custom_id").asText(), outcome));
        }
        String errorsUri = null;
        if (batch.hasNonNull("error_file_id") && !batch.path("error_file_id").asText().isEmpty()) {
            final byte[] errors = content(batch.path("error_file_id"));
            put(record.jobName(), errorsFileName(record), errors);
            errorsUri = uri(record.jobName(), errorsFileName(record));
            for (final JsonNode line : lines(errors)) {
                // A request that succeeded in the output file wins over a failed try of it.
                outcome(line).ifPresent(outcome -> byId.merge(line.path("custom_id").asText(), outcome,
                        (had, now) -> had.succeeded() ? had : now));
            }
        }
        return new CopiedOutputs(outputUri(record), errorsUri, byId, Map.of());
    }

    /** One output or error line: the response's status and, when it failed, OpenAI's message. */
    private static Optional<RecordOutcome> outcome(final JsonNode line) {
        if (!line.hasNonNull("custom_id")) {
            return Optional.empty();
        }
        final JsonNode response = line.path("response");
        if (response.isObject()) {
            final int code = response.path("status_code").asInt(500);
            if (code == 200 && response.path("body").path("data").path(0).path("embedding").isArray()) {
                return Optional.of(new RecordOutcome(200, null));
            }
            final JsonNode error = response.path("body").path("error");
            return Optional.of(new RecordOutcome(code == 200 ? 500 : code, error.path("message").asText(
                    code == 200 ? "the response holds no embedding" : "HTTP " + code)));
        }
        // Without a response (e.g. the batch expired before the request ran) the request failed on OpenAI's side.
        final JsonNode error = line.path("error");
        return Optional.of(new RecordOutcome(500, error.path("message").asText(error.path("code").asText("no response"))));
    }

    private byte[] content(final JsonNode fileId) {
        if (fileId == null || fileId.isNull() || fileId.asText().isEmpty()) {
            return new byte[0];
        }
        final byte[] content = api.getBytes("/v1/files/" + ProviderApiClient.encode(fileId.asText()) + "/content");
        // Keep the copy line-terminated, so files can be concatenated and counted by lines.
        if (content.length > 0 && content[content.length - 1] != '\n') {
            final ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 1);
            out.writeBytes(content);
            out.write('\n');
            return out.toByteArray();
        }
        return content;
    }

    @Override
    public boolean outputsGone(final TaskStatus status) {
        final String outputFileId = status.remoteJob().path("output_file_id").asText("");
        return !outputFileId.isEmpty() && !"null".equals(outputFileId)
                && missingAtProvider("/v1/files/" + ProviderApiClient.encode(outputFileId));
    }

    @Override
    public String outputUri(final JobRecord record) {
        return uri(record.jobName(), outputFileName(record));
    }

    @Override
    public Optional<String> recordId(final JsonNode record) {
        final JsonNode id = record.path("custom_id");
        return id.isValueNode() && !id.isNull() ? Optional.of(id.asText()) : Optional.empty();
    }

    @Override
    public Optional<String> recordText(final JsonNode record) {
        return Optional.empty();
    }
}
