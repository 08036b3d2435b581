package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/** One Cohere embed job: {@code processing → complete | failed}, or {@code cancelling → cancelled}. */
final class CohereEmbedJob {

    private final String id;
    private final String name;
    private final String inputDatasetId;
    private final String model;
    private final String inputType;
    private final String truncate;
    private final Instant createdAt;
    private String status = "processing";
    private String outputDatasetId;
    private String failure;

    CohereEmbedJob(String id, String name, String inputDatasetId, String model, String inputType, String truncate,
                   Instant createdAt) {
        this.id = id;
        this.name = name;
        this.inputDatasetId = inputDatasetId;
        this.model = model;
        this.inputType = inputType;
        this.truncate = truncate;
        this.createdAt = createdAt;
    }

    String id() { return id; }
    String name() { return name; }
    String inputDatasetId() { return inputDatasetId; }
    Instant createdAt() { return createdAt; }

    /** What fault rules match: the job's name, else its id. */
    String jobName() {
        return name == null || name.isEmpty() ? id : name;
    }

    synchronized String status() {
        return status;
    }

    synchronized boolean cancelRequested() {
        return "cancelling".equals(status);
    }

    synchronized boolean requestCancel() {
        if ("processing".equals(status)) {
            status = "cancelling";
            return true;
        }
        return "cancelling".equals(status);
    }

    synchronized void complete(String outputDataset) {
        if (cancelRequested()) {
            status = "cancelled";
        } else if ("processing".equals(status)) {
            status = "complete";
            outputDatasetId = outputDataset;
        }
    }

    synchronized void cancelled() {
        if ("processing".equals(status) || cancelRequested()) {
            status = "cancelled";
        }
    }

    synchronized void fail(String why) {
        if ("processing".equals(status) || cancelRequested()) {
            status = "failed";
            failure = why;
        }
    }

    synchronized String failure() {
        return failure;
    }

    synchronized ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("job_id", id);
        if (name != null) {
            out.put("name", name);
        }
        out.put("status", status);
        out.put("created_at", createdAt.toString());
        out.put("input_dataset_id", inputDatasetId);
        if (outputDatasetId != null) {
            out.put("output_dataset_id", outputDatasetId);
        }
        out.put("model", model);
        out.put("truncate", truncate);
        out.put("input_type", inputType);
        out.set("meta", CohereApi.meta());
        return out;
    }
}
