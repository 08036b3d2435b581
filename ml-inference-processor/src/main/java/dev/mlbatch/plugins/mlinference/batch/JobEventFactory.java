package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the event emitted downstream when a tracked job ends (fields listed in the README). */
public final class JobEventFactory {
    public static final String EVENT_TYPE = "ml_batch_job";

    private final ServiceName service;
    private final String modelId;
    private final BatchPredictRequestFactory requests;

    public JobEventFactory(final ServiceName service, final String modelId, final BatchPredictRequestFactory requests) {
        this.service = service;
        this.modelId = modelId;
        this.requests = requests;
    }

    public Event jobEnded(final JobRecord record, final TaskStatus status, final Instant endedAt, final boolean willRetry) {
        final Map<String, Object> data = new LinkedHashMap<>();
        data.put("job_name", record.jobName());
        data.put("task_id", record.taskId());
        data.put("model_id", modelId);
        data.put("service_name", service.optionValue());
        data.put("attempt", record.attempt());
        data.put("state", status.state());
        status.providerStatus().ifPresent(s -> data.put("provider_status", s));
        if (!status.isSuccessful()) {
            status.failureReason().ifPresent(reason -> data.put("failure_reason", reason));
        }
        data.put("will_retry", willRetry);
        if (record.inputs().size() == 1) {
            data.put("input_uri", record.inputs().get(0).s3Uri());
        }
        data.put("input_uris", record.inputs().stream().map(InputObject::s3Uri).toList());
        if (record.manifestUri() != null) {
            data.put("manifest_uri", record.manifestUri());
        }
        data.put("output_uri", outputUri(record, status.remoteJob()));
        if (record.submittedAt() != null) {
            data.put("start_time", record.submittedAt().toString());
            data.put("duration_ms", Duration.between(record.submittedAt(), endedAt).toMillis());
        }
        data.put("end_time", endedAt.toString());
        final Map<String, Object> counts = recordCounts(status.remoteJob());
        if (!counts.isEmpty()) {
            data.put("records", counts);
        }
        return JacksonEvent.builder().withEventType(EVENT_TYPE).withData(data).build();
    }

    private String outputUri(final JobRecord record, final JsonNode remoteJob) {
        if (service == ServiceName.SAGEMAKER) {
            return requests.sageMakerOutputUri(record.jobName());
        }
        // OpenAI / Cohere: the S3 copy the processor made of the provider's outputs.
        if (service == ServiceName.OPENAI) {
            return requests.hostedOutputUri(record.jobName(), OpenAiBatchFiles.outputFileName(record));
        }
        if (service == ServiceName.COHERE) {
            return requests.hostedOutputUri(record.jobName(), CohereDatasets.OUTPUT_FILE);
        }
        return requests.bedrockJobOutputUri(remoteJob.path("jobArn").asText(""));
    }

    private static Map<String, Object> recordCounts(final JsonNode remoteJob) {
        final Map<String, Object> counts = new LinkedHashMap<>();
        // OpenAI's batch object counts requests: {total, completed, failed}.
        final JsonNode requestCounts = remoteJob.path("request_counts");
        if (requestCounts.isObject() && requestCounts.path("total").canConvertToLong()) {
            counts.put("total", requestCounts.path("total").asLong());
            counts.put("success", requestCounts.path("completed").asLong());
            counts.put("error", requestCounts.path("failed").asLong());
            return counts;
        }
        for (final String field : new String[]{"totalRecordCount", "processedRecordCount", "successRecordCount", "errorRecordCount"}) {
            final JsonNode value = remoteJob.path(field);
            if (value.canConvertToLong() || (value.isTextual() && value.asText().matches("\\d+"))) {
                counts.put(field.replace("RecordCount", "").toLowerCase(), value.asLong());
            }
        }
        return counts;
    }
}
