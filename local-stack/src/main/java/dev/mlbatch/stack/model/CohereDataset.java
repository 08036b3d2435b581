package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One Cohere dataset: validation {@code queued → processing → validated | failed}, and (once validated) one part of
 * JSONL rows in {@link StoredFiles} under {@link #partFileId()}.
 */
final class CohereDataset {

    private final String id;
    private final String name;
    private final String type;
    private final List<String> keepFields;
    private final Instant createdAt;
    private Instant updatedAt;
    private String status = "queued";
    private String validationError;
    private final List<String> warnings = new ArrayList<>();
    private int numRows;
    private long sizeBytes;

    CohereDataset(String id, String name, String type, List<String> keepFields, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.type = type;
        this.keepFields = List.copyOf(keepFields);
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    String id() { return id; }
    String name() { return name; }
    String type() { return type; }
    List<String> keepFields() { return keepFields; }
    Instant createdAt() { return createdAt; }

    /** The uploaded bytes until validation; the validated rows after. */
    String rawFileId() { return id + ".upload"; }
    String partFileId() { return id + ".part-0"; }

    synchronized String status() {
        return status;
    }

    synchronized void processing(Instant at) {
        status = "processing";
        updatedAt = at;
    }

    synchronized void validated(int rows, long bytes, List<String> rowWarnings, Instant at) {
        status = "validated";
        numRows = rows;
        sizeBytes = bytes;
        warnings.addAll(rowWarnings);
        updatedAt = at;
    }

    synchronized void failed(String error, Instant at) {
        status = "failed";
        validationError = error;
        updatedAt = at;
    }

    synchronized ObjectNode toJson(String baseUrl) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", id);
        out.put("name", name);
        out.put("created_at", createdAt.toString());
        out.put("updated_at", updatedAt.toString());
        out.put("dataset_type", type);
        out.put("validation_status", status);
        out.put("validation_error", validationError);
        ArrayNode w = out.putArray("validation_warnings");
        warnings.forEach(w::add);
        out.putArray("required_fields").add("text");
        ArrayNode keep = out.putArray("preserve_fields");
        keepFields.forEach(keep::add);
        ArrayNode parts = out.putArray("dataset_parts");
        if ("validated".equals(status)) {
            ObjectNode part = parts.addObject();
            part.put("id", id + "-part-0");
            part.put("name", "part-0.jsonl");
            part.put("url", baseUrl + "/v1/datasets/" + id + "/parts/0");
            part.put("index", 0);
            part.put("size_bytes", sizeBytes);
            part.put("num_rows", numRows);
        }
        return out;
    }
}
