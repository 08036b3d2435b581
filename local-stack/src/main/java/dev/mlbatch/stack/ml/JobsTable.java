package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.StackEnv;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mlbatch jobs}: one row per batch-predict task of ML Commons — task id, model, job name,
 * input, task state, provider status, progress when the provider reports it, age. Tasks still
 * running are refreshed through {@code GET /_plugins/_ml/tasks/{id}}, which asks the provider.
 */
public final class JobsTable {

    private static final int MAX_ROWS = 50;
    private static final int MAX_REFRESH = 20;

    private final OpenSearchHttp os;
    private final Map<String, String> modelNames = new HashMap<>();

    public JobsTable(StackEnv env) {
        this.os = new OpenSearchHttp(env.get(StackEnv.OPENSEARCH_URL));
    }

    public void print(PrintStream out) {
        OpenSearchHttp.Answer answer = os.post("/_plugins/_ml/tasks/_search", Map.of(
                "query", Map.of("term", Map.of("task_type", "BATCH_PREDICTION")),
                "sort", List.of(Map.of("create_time", Map.of("order", "desc"))),
                "size", MAX_ROWS));
        String format = "%-22s %-26s %-40s %-44s %-11s %-12s %-11s %s%n";
        out.printf(format, "TASK", "MODEL", "JOB", "INPUT", "STATE", "PROVIDER", "PROGRESS", "AGE");
        if (!answer.ok()) {
            out.println("(no batch jobs yet)");
            return;
        }
        int refreshed = 0;
        long now = System.currentTimeMillis();
        for (JsonNode hit : answer.body().path("hits").path("hits")) {
            String taskId = hit.path("_id").asText();
            JsonNode task = hit.path("_source");
            String state = task.path("state").asText();
            if (("RUNNING".equals(state) || "CREATED".equals(state) || "CANCELLING".equals(state)) && refreshed++ < MAX_REFRESH) {
                OpenSearchHttp.Answer fresh = os.get("/_plugins/_ml/tasks/" + taskId);
                if (fresh.ok()) {
                    task = fresh.body();
                    state = task.path("state").asText();
                }
            }
            JsonNode job = task.path("remote_job");
            out.printf(format, taskId, clip(modelName(task.path("model_id").asText()), 26),
                    clip(first(job, "TransformJobName", "jobName"), 40), clip(input(job), 44), state,
                    first(job, "TransformJobStatus", "status"), progress(job),
                    age(now - task.path("create_time").asLong(now)));
        }
    }

    private String modelName(String modelId) {
        return modelNames.computeIfAbsent(modelId, id -> {
            OpenSearchHttp.Answer a = os.get("/_plugins/_ml/models/" + id);
            return a.ok() ? a.body().path("name").asText(id) : id;
        });
    }

    private static String input(JsonNode job) {
        String uri = job.path("TransformInput").path("DataSource").path("S3DataSource").path("S3Uri").asText("");
        if (uri.isEmpty()) {
            uri = job.path("inputDataConfig").path("s3InputDataConfig").path("s3Uri").asText("");
        }
        return uri.isEmpty() ? "-" : uri;
    }

    private static String progress(JsonNode job) {
        if (job.has("totalRecordCount") && job.path("totalRecordCount").asLong() > 0) {
            return job.path("processedRecordCount").asLong() + "/" + job.path("totalRecordCount").asLong();
        }
        return "-";
    }

    private static String first(JsonNode node, String... fields) {
        for (String f : fields) {
            if (node.hasNonNull(f)) {
                return node.get(f).asText();
            }
        }
        return "-";
    }

    private static String age(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, millis));
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m" + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
    }
}
