package dev.mlbatch.stack.health;

import dev.mlbatch.stack.ml.OpenSearchHttp;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.mlbatch.stack.health.ClusterDiagnosisTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ML Commons' answers to the stats request and the search for unfinished tasks, turned into a verdict and advice. */
class StuckMlTasksTest {

    private static final String URL = "http://127.0.0.1:19200";
    private static final long NOW = 1_796_600_000_000L;

    @Test
    void tasksUnfinishedForLongerThanTheLimitAreNamedWithTheCommandsThatEndThem() throws Exception {
        long old = NOW - Duration.ofMinutes(125).toMillis();
        long recent = NOW - Duration.ofMinutes(3).toMillis();
        PartHealth part = StuckMlTasks.of(URL, stats(), new OpenSearchHttp.Answer(200, json("""
                {"hits":{"total":{"value":2,"relation":"eq"},"hits":[
                  {"_id":"noEjTaIB_FjscopZprDe","_source":{"task_type":"BATCH_PREDICTION","state":"RUNNING","create_time":%d}},
                  {"_id":"-TdrTqIBLy8FroL6O48P","_source":{"task_type":"BATCH_PREDICTION","state":"CREATED","create_time":%d}}]}}"""
                .formatted(old, recent))), NOW);

        assertEquals(Verdict.WARN, part.verdict());
        assertEquals("plugin answers; 1 ML task CREATED/RUNNING for more than 30 min", part.summary());
        assertEquals(List.of(
                "stuck task noEjTaIB_FjscopZprDe: BATCH_PREDICTION RUNNING for 2h05m",
                "do: ./mlbatch jobs   (reads each task again, which makes ML Commons ask the provider)",
                "  then: ./mlbatch jobs cancel TASK, or ./mlbatch jobs cancel --all for every CREATED/RUNNING batch task"),
                part.details(), "the 3-minute-old task is not stuck");
    }

    @Test
    void aStuckTaskOfAnotherKindGetsTheTaskApiCommands() throws Exception {
        PartHealth part = StuckMlTasks.of(URL, stats(), new OpenSearchHttp.Answer(200, json("""
                {"hits":{"hits":[{"_id":"t1","_source":{"task_type":"DEPLOY_MODEL","state":"CREATED","create_time":%d}}]}}"""
                .formatted(NOW - Duration.ofMinutes(41).toMillis()))), NOW);
        assertEquals(Verdict.WARN, part.verdict());
        assertEquals("stuck task t1: DEPLOY_MODEL CREATED for 41m", part.details().get(0));
        assertTrue(part.details().get(1).contains("curl -X DELETE 'http://127.0.0.1:19200/_plugins/_ml/tasks/TASK'"), part.details().toString());
    }

    @Test
    void noTaskIndexYetAndNoUnfinishedTaskAreHealthy() throws Exception {
        PartHealth noIndex = StuckMlTasks.of(URL, stats(), new OpenSearchHttp.Answer(404, json(
                "{\"error\":{\"type\":\"index_not_found_exception\",\"reason\":\"no such index [.plugins-ml-task]\"},\"status\":404}")), NOW);
        assertEquals(Verdict.OK, noIndex.verdict());
        assertEquals("plugin answers; no ML task yet", noIndex.summary());

        PartHealth none = StuckMlTasks.of(URL, stats(), new OpenSearchHttp.Answer(200, json("{\"hits\":{\"total\":{\"value\":0},\"hits\":[]}}")), NOW);
        assertEquals(Verdict.OK, none.verdict());
        assertTrue(none.details().isEmpty());
    }

    @Test
    void aPluginThatDoesNotAnswerOrATaskIndexThatCannotBeSearchedFails() throws Exception {
        PartHealth noPlugin = StuckMlTasks.of(URL, new OpenSearchHttp.Answer(400, json(
                "{\"error\":\"no handler found for uri [/_plugins/_ml/stats] and method [GET]\"}")), null, NOW);
        assertEquals(Verdict.FAIL, noPlugin.verdict());
        assertTrue(noPlugin.summary().startsWith("the plugin does not answer: GET _plugins/_ml/stats gave HTTP 400 "), noPlugin.summary());

        PartHealth redTasks = StuckMlTasks.of(URL, stats(), new OpenSearchHttp.Answer(503, json(
                "{\"error\":{\"type\":\"search_phase_execution_exception\",\"reason\":\"all shards failed\"},\"status\":503}")), NOW);
        assertEquals(Verdict.FAIL, redTasks.verdict());
        assertTrue(redTasks.summary().contains("HTTP 503"), redTasks.summary());
        assertTrue(redTasks.details().get(0).contains("opensearch line above"), redTasks.details().toString());
    }

    private static OpenSearchHttp.Answer stats() throws Exception {
        return new OpenSearchHttp.Answer(200, json("{\"nodes\":{\"OhkbcCHJSOeQavMZPiG4AQ\":{\"ml_request_count\":63}}}"));
    }
}
