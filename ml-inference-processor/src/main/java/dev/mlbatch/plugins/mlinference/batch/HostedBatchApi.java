package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.client.ProviderApiClient;
import dev.mlbatch.plugins.mlinference.client.ProviderApiException;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the processor does itself, beside ML Commons' connector, for a hosted batch API (OpenAI, Cohere): upload the
 * job's input object to the provider before {@code _batch_predict}, find a job at the provider by its name (a crash
 * between "submitting" and the answer), and copy the provider's outputs into S3 under
 * {@code <output_path>/<job name>/} before the job counts as done. Every S3 key follows from the job name (and the
 * job's input file name), so a repeated copy overwrites instead of adding.
 */
public abstract class HostedBatchApi {
    /** How one input record fared, by its id: {@code status} 200 is a vector; else the provider's status and message. */
    public record RecordOutcome(int status, String message) {
        public boolean succeeded() {
            return status == 200;
        }
    }

    /** The S3 copy of a completed job's outputs and each record's outcome, by record id (or, without ids, by text). */
    public record CopiedOutputs(String outputUri, String errorsUri, Map<String, RecordOutcome> byId, Map<String, RecordOutcome> byText) {
    }

    private static final int REMEMBERED_UPLOADS = 1000;

    protected final ProviderApiClient api;
    protected final S3Client s3;
    protected final ObjectMapper mapper;
    private final InputFiles.S3Location output;
    /** Uploads already made in this process, by job name, so a retried submission does not upload again. */
    private final Map<String, String> uploads = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, String> eldest) {
            return size() > REMEMBERED_UPLOADS;
        }
    });

    protected HostedBatchApi(final ProviderApiClient api, final S3Client s3, final ObjectMapper mapper, final String outputPath) {
        this.api = api;
        this.s3 = s3;
        this.mapper = mapper;
        this.output = InputFiles.S3Location.parse(outputPath);
    }

    public String providerName() {
        return api.providerName();
    }

    /**
     * Uploads the input object for the job and returns the provider's id of it (file id, dataset id) once the
     * provider accepted it. @throws ProviderApiException with the provider's status and reason (a refused
     * validation is a 4xx with the provider's reason); {@link NoSuchKeyException} if the object is gone
     */
    public String upload(final InputObject input, final String jobName) {
        final String known = uploads.get(jobName);
        if (known != null) {
            return accepted(known, input, jobName);
        }
        final byte[] content = s3.getObjectAsBytes(r -> r.bucket(input.bucket()).key(input.key())).asByteArray();
        final String id = send(input, jobName, content);
        uploads.put(jobName, id);
        return accepted(id, input, jobName);
    }

    /** Sends the content; returns the provider's id for it. */
    protected abstract String send(InputObject input, String jobName, byte[] content);

    /** Waits until the provider accepted the upload (Cohere validates datasets); returns the id. */
    protected String accepted(final String id, final InputObject input, final String jobName) {
        return id;
    }

    /** Forgets the upload of a job that did not go ahead with it (the provider refused it). */
    protected void forgetUpload(final String jobName) {
        uploads.remove(jobName);
    }

    /** The provider's id of the job with this name, if the provider has one (looked up when ML Commons did not know it). */
    public abstract Optional<String> findJob(String jobName);

    /** The remote_job field of an ML Commons task that holds the provider's job id ({@code id}, {@code job_id}). */
    public abstract String remoteIdField();

    /** Copies the outputs of a completed job into S3 and reads each record's outcome. */
    public abstract CopiedOutputs copyOutputs(JobRecord record, TaskStatus status);

    /**
     * For a job found by name that ended successfully long ago: true when the provider no longer has its outputs (deleted
     * or expired), so the job must run again instead of counting as done.
     */
    public abstract boolean outputsGone(TaskStatus status);

    /** True when the provider answers 404 for {@code path}; other failures are thrown. */
    protected boolean missingAtProvider(final String path) {
        try {
            api.getJson(path);
            return false;
        } catch (final ProviderApiException e) {
            if (e.status() == 404) {
                return true;
            }
            throw e;
        }
    }

    /** Where the S3 copy of the job's vectors lies (the job event's output_uri), from its name and (OpenAI) its input. */
    public abstract String outputUri(JobRecord record);

    /** The id a record is matched by in the outputs (OpenAI custom_id, Cohere id), if it has one. */
    public abstract Optional<String> recordId(JsonNode record);

    /** The text of a record, for matching records without an id (Cohere echoes the text). */
    public abstract Optional<String> recordText(JsonNode record);

    protected String key(final String jobName, final String fileName) {
        return output.prefix() + jobName + "/" + fileName;
    }

    protected String uri(final String jobName, final String fileName) {
        return output.uri(key(jobName, fileName));
    }

    protected void put(final String jobName, final String fileName, final byte[] content) {
        s3.putObject(r -> r.bucket(output.bucket()).key(key(jobName, fileName)).contentType("application/x-ndjson"),
                RequestBody.fromBytes(content));
    }

    /** The JSON lines of a provider output (blank and torn lines skipped: a torn line says nothing about its record). */
    protected List<JsonNode> lines(final byte[] content) {
        return InputFiles.records(content).stream().map(record -> {
            try {
                return mapper.readTree(record.text());
            } catch (final IOException e) {
                return null;
            }
        }).filter(node -> node != null && node.isObject()).toList();
    }

    protected static Map<String, RecordOutcome> newOutcomes() {
        return new HashMap<>();
    }
}
