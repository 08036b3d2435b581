package dev.mlbatch.stack.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.ml.OpenSearchHttp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ML Commons as {@code stack status} sees it: the plugin answers ({@code GET _plugins/_ml/stats}), and no ML task
 * has stayed CREATED or RUNNING longer than {@link #STUCK_AFTER} ({@code POST _plugins/_ml/tasks/_search}). A batch
 * job of the local model service ends within minutes; a task that does not end holds one of ML Commons' batch slots.
 */
public final class StuckMlTasks {

    public static final String PART = "ml-commons";
    public static final Duration STUCK_AFTER = Duration.ofMinutes(30);
    /** How many stuck task ids are named. */
    static final int NAMED = 5;
    /** The oldest this many unfinished tasks are looked at. */
    static final int SEARCHED = 100;

    /** One unfinished task. */
    public record Task(String id, String type, String state, long createTime) {
    }

    private StuckMlTasks() {
    }

    /** Reads the plugin's answers from the node at {@code os}. */
    public static PartHealth read(OpenSearchHttp os, long nowMillis) {
        OpenSearchHttp.Answer stats = os.get("/_plugins/_ml/stats");
        if (!stats.ok()) {
            return of(os.baseUrl(), stats, null, nowMillis);
        }
        OpenSearchHttp.Answer search = os.post("/_plugins/_ml/tasks/_search", Map.of(
                "size", SEARCHED,
                "_source", List.of("task_type", "state", "create_time"),
                "sort", List.of(Map.of("create_time", Map.of("order", "asc"))),
                "query", Map.of("terms", Map.of("state", List.of("CREATED", "RUNNING")))));
        return of(os.baseUrl(), stats, search, nowMillis);
    }

    /** The verdict from the answers to the stats request and the task search ({@code search} null: not asked). */
    public static PartHealth of(String url, OpenSearchHttp.Answer stats, OpenSearchHttp.Answer search, long nowMillis) {
        if (!stats.ok()) {
            return PartHealth.of(PART, Verdict.FAIL, "the plugin does not answer: GET _plugins/_ml/stats gave HTTP "
                    + stats.status() + " " + excerpt(stats.body()), List.of(
                    "do: look at the node's log (logs/opensearch/mlbatch-local.log in the stack home); "
                            + "./mlbatch stack down && ./mlbatch stack up restarts the node"));
        }
        if (!search.ok()) {
            if (search.status() == 404) {
                return PartHealth.ok(PART, "plugin answers; no ML task yet"); // the task index is created with the first task
            }
            return PartHealth.of(PART, Verdict.FAIL, "plugin answers, but its task index cannot be searched: HTTP "
                    + search.status() + " " + excerpt(search.body()), List.of(
                    "do: see the opensearch line above (a red .plugins-ml-task index makes every batch job fail)"));
        }
        List<Task> stuck = new ArrayList<>();
        JsonNode hits = search.body().path("hits").path("hits");
        for (JsonNode hit : hits) {
            JsonNode source = hit.path("_source");
            Task task = new Task(hit.path("_id").asText(), source.path("task_type").asText(), source.path("state").asText(),
                    source.path("create_time").asLong());
            if (nowMillis - task.createTime() > STUCK_AFTER.toMillis()) {
                stuck.add(task);
            }
        }
        if (stuck.isEmpty()) {
            return PartHealth.ok(PART, "plugin answers; no ML task unfinished for more than " + STUCK_AFTER.toMinutes() + " min");
        }
        // Sorted oldest first: when every hit is stuck, the ones beyond the page may be too.
        String total = stuck.size() == SEARCHED && hits.size() == SEARCHED ? "at least " + SEARCHED : Integer.toString(stuck.size());
        List<String> lines = new ArrayList<>();
        stuck.stream().limit(NAMED).forEach(t -> lines.add("stuck task " + t.id() + ": " + t.type() + " " + t.state()
                + " for " + age(nowMillis - t.createTime())));
        if (stuck.size() > NAMED) {
            lines.add("(and " + (stuck.size() - NAMED) + " more)");
        }
        boolean batch = stuck.stream().anyMatch(t -> "BATCH_PREDICTION".equals(t.type()));
        if (batch) {
            lines.add("do: ./mlbatch jobs   (reads each task again, which makes ML Commons ask the provider)");
            lines.add("  then: ./mlbatch jobs cancel TASK, or ./mlbatch jobs cancel --all for every CREATED/RUNNING batch task");
        } else {
            lines.add("do: curl '" + url + "/_plugins/_ml/tasks/TASK' shows why; one that will not end can be deleted: "
                    + "curl -X DELETE '" + url + "/_plugins/_ml/tasks/TASK'");
        }
        return PartHealth.of(PART, Verdict.WARN, "plugin answers; " + total + " ML task" + (stuck.size() == 1 ? "" : "s")
                + " CREATED/RUNNING for more than " + STUCK_AFTER.toMinutes() + " min", lines);
    }

    /** {@code 2h05m}, {@code 41m}. */
    static String age(long millis) {
        long minutes = Math.max(0, millis) / 60_000;
        return minutes >= 60 ? String.format("%dh%02dm", minutes / 60, minutes % 60) : minutes + "m";
    }

    private static String excerpt(JsonNode body) {
        String text = body == null ? "" : body.toString();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
