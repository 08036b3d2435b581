package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code mlbatch jobs cancel TASK|--all}: asks ML Commons to cancel batch-predict tasks
 * ({@code POST /_plugins/_ml/tasks/{id}/_cancel}, 2.18+), which calls the connector's {@code cancel_batch_predict}
 * action (SageMaker StopTransformJob, Bedrock StopModelInvocationJob). ML Commons does not change the task state
 * on cancel; the GET after it makes ML Commons read the provider's status, so the state printed after the arrow is
 * the one the provider reports at that moment (usually CANCELLING, CANCELLED once the job has stopped).
 */
public final class BatchJobCanceller {

    /** What to cancel: one task id, or every CREATED/RUNNING batch-predict task ({@code taskId} null). */
    public record Request(String taskId) {
        public boolean all() {
            return taskId == null;
        }
    }

    /** The arguments after {@code jobs cancel} were not understood; the message says why. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    public static final String USAGE = "usage: mlbatch jobs cancel TASK|--all";

    /** One cancel: {@code error} is ML Commons' message when it refused, else null. */
    public record Outcome(String taskId, String jobName, String stateBefore, String stateAfter, String error) {
        public boolean accepted() {
            return error == null;
        }

        public String line() {
            String head = taskId + "  " + jobName + "  ";
            return accepted() ? head + stateBefore + " -> " + stateAfter : head + stateBefore + ": cancel refused: " + error;
        }
    }

    private final OpenSearchHttp os;

    public BatchJobCanceller(OpenSearchHttp os) {
        this.os = os;
    }

    /** ML Commons task ids are 20 base64url characters, so one may start with '-'. */
    private static final java.util.regex.Pattern TASK_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{20}");

    /**
     * Parses the arguments after {@code cancel}: exactly one task id or {@code --all}. An argument starting with
     * '-' is an option unless it has the shape of a task id or follows {@code --}.
     */
    public static Request parse(List<String> args) {
        if (args.size() == 2 && args.get(0).equals("--") && !args.get(1).isBlank()) {
            return new Request(args.get(1));
        }
        if (args.isEmpty()) {
            throw new UsageException("mlbatch jobs cancel: missing TASK (a task id from `mlbatch jobs`) or --all");
        }
        if (args.size() > 1) {
            throw new UsageException("mlbatch jobs cancel: one TASK or --all, got " + String.join(" ", args));
        }
        String arg = args.get(0);
        if (arg.equals("--all")) {
            return new Request(null);
        }
        if (arg.isBlank() || arg.startsWith("-") && !TASK_ID.matcher(arg).matches()) {
            throw new UsageException("mlbatch jobs cancel: unknown option " + arg);
        }
        return new Request(arg);
    }

    /** Cancels what {@code request} names, prints one line per task, returns 0 if every cancel was accepted, else 1. */
    public int run(Request request, PrintStream out) {
        List<String> ids = request.all()
                ? new UnfinishedBatchTasks(os).list().stream().map(UnfinishedBatchTasks.Task::id).toList()
                : List.of(request.taskId());
        if (ids.isEmpty()) {
            out.println("no batch-predict task in CREATED or RUNNING: nothing to cancel");
            return 0;
        }
        boolean allAccepted = true;
        for (String id : ids) {
            Outcome outcome = cancel(id);
            out.println(outcome.line());
            allAccepted &= outcome.accepted();
        }
        return allAccepted ? 0 : 1;
    }

    public Outcome cancel(String taskId) {
        // Read first: the GET refreshes the task from the provider, so "before" is current.
        OpenSearchHttp.Answer before = os.get("/_plugins/_ml/tasks/" + taskId);
        String jobName = before.ok() ? jobName(before.body()) : "-";
        String stateBefore = before.ok() ? before.body().path("state").asText("-") : "-";
        OpenSearchHttp.Answer cancelled = os.post("/_plugins/_ml/tasks/" + taskId + "/_cancel", null);
        if (!cancelled.ok()) {
            return new Outcome(taskId, jobName, stateBefore, null, "HTTP " + cancelled.status() + " " + reason(cancelled.body()));
        }
        OpenSearchHttp.Answer after = os.get("/_plugins/_ml/tasks/" + taskId);
        String stateAfter = after.ok() ? after.body().path("state").asText("-")
                : "? (reading the task failed: HTTP " + after.status() + " " + reason(after.body()) + ")";
        return new Outcome(taskId, jobName, stateBefore, stateAfter, null);
    }

    static String jobName(JsonNode task) {
        JsonNode job = task.path("remote_job");
        for (String field : List.of("TransformJobName", "jobName")) {
            if (job.hasNonNull(field)) {
                return job.get(field).asText();
            }
        }
        return "-";
    }

    /** OpenSearch's error reason ({@code error.reason}, else the first root cause), else the whole body. */
    static String reason(JsonNode body) {
        JsonNode error = body.path("error");
        if (error.hasNonNull("reason")) {
            return error.get("reason").asText();
        }
        JsonNode root = error.path("root_cause").path(0);
        if (root.hasNonNull("reason")) {
            return root.get("reason").asText();
        }
        return error.isTextual() ? error.asText() : body.toString();
    }
}
