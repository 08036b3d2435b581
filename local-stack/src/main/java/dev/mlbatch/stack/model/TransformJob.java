package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Instant;

/** One SageMaker transform job: the create request and its changing status. */
public final class TransformJob {

    private final String name;
    private final String arn;
    private final ObjectNode request;
    private final Instant creationTime;
    private volatile String status = "InProgress";
    private volatile String failureReason;
    private volatile Instant startTime;
    private volatile Instant endTime;
    private volatile Instant lastModifiedTime;
    private volatile boolean stopRequested;

    public TransformJob(String name, String arn, ObjectNode request, Instant creationTime) {
        this.name = name;
        this.arn = arn;
        this.request = request;
        this.creationTime = creationTime;
        this.lastModifiedTime = creationTime;
    }

    public String name() { return name; }
    public String arn() { return arn; }
    public ObjectNode request() { return request; }
    public String status() { return status; }
    public Instant creationTime() { return creationTime; }
    public boolean stopRequested() { return stopRequested; }

    public boolean isTerminal() {
        return "Completed".equals(status) || "Failed".equals(status) || "Stopped".equals(status);
    }

    public synchronized void started(Instant at) {
        startTime = at;
        lastModifiedTime = at;
    }

    public synchronized void finish(String terminalStatus, String reason, Instant at) {
        status = terminalStatus;
        failureReason = reason;
        endTime = at;
        lastModifiedTime = at;
    }

    /** How the job ended, for the service's job journal ({@link #restoreEnd} reads it back). */
    synchronized ObjectNode endRecord() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", status);
        if (failureReason != null) {
            out.put("reason", failureReason);
        }
        if (startTime != null) {
            out.put("started", startTime.toString());
        }
        out.put("ended", (endTime == null ? lastModifiedTime : endTime).toString());
        return out;
    }

    /** A job that had ended before the service restarted: its status and times as recorded. */
    synchronized void restoreEnd(JsonNode end) {
        if (end.hasNonNull("started")) {
            startTime = Instant.parse(end.path("started").asText());
        }
        finish(end.path("status").asText(), end.path("reason").asText(null), Instant.parse(end.path("ended").asText()));
    }

    /** StopTransformJob: Stopping now, Stopped once the runner notices. */
    public synchronized boolean requestStop(Instant at) {
        if (isTerminal()) {
            return false;
        }
        stopRequested = true;
        status = "Stopping";
        lastModifiedTime = at;
        return true;
    }

    /** DescribeTransformJob's answer: the request's fields plus status and times (epoch seconds). */
    public synchronized ObjectNode describe() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("TransformJobName", name);
        out.put("TransformJobArn", arn);
        out.put("TransformJobStatus", status);
        if (failureReason != null) {
            out.put("FailureReason", failureReason);
        }
        for (String field : new String[] {"ModelName", "MaxConcurrentTransforms", "ModelClientConfig", "MaxPayloadInMB",
                "BatchStrategy", "Environment", "TransformInput", "TransformOutput", "DataCaptureConfig",
                "TransformResources", "DataProcessing", "ExperimentConfig"}) {
            JsonNode value = request.get(field);
            if (value != null && !value.isNull()) {
                out.set(field, value.deepCopy());
            }
        }
        out.put("CreationTime", epochSeconds(creationTime));
        if (startTime != null) {
            out.put("TransformStartTime", epochSeconds(startTime));
        }
        if (endTime != null) {
            out.put("TransformEndTime", epochSeconds(endTime));
        }
        return out;
    }

    public synchronized ObjectNode summary() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("TransformJobName", name);
        out.put("TransformJobArn", arn);
        out.put("CreationTime", epochSeconds(creationTime));
        if (endTime != null) {
            out.put("TransformEndTime", epochSeconds(endTime));
        }
        out.put("LastModifiedTime", epochSeconds(lastModifiedTime));
        out.put("TransformJobStatus", status);
        if (failureReason != null) {
            out.put("FailureReason", failureReason);
        }
        return out;
    }

    static BigDecimal epochSeconds(Instant t) {
        return BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3);
    }
}
