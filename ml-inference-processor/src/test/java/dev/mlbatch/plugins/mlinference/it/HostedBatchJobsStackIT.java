package dev.mlbatch.plugins.mlinference.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.plugins.mlinference.MLProcessor;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mlbatch.plugins.mlinference.it.StackRun.inputEvents;
import static dev.mlbatch.plugins.mlinference.it.StackRun.jobEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * service_name openai and cohere against the shared local stack: the real OpenSearch 2.19.1 + ML Commons with the
 * OpenAI / Cohere batch connectors, and the local OpenAI / Cohere stand-ins behind them (files, batches, datasets,
 * embed jobs, all-MiniLM-L6-v2 vectors). One object per provider ends COMPLETED with one vector per good record in
 * the processor's S3 copy; a replay, and a run that lost its ledger, create no second job.
 */
@ExtendWith(LocalStackExtension.class)
class HostedBatchJobsStackIT {
    private static final int RECORDS = 6;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path state;
    @TempDir
    Path lostState;
    private StackRun run;

    @BeforeEach
    void start(final LocalStack stack) {
        run = new StackRun(stack, state);
    }

    @AfterEach
    void stop() {
        run.close();
    }

    @Test
    void anOpenAiObjectEndsCompletedWithAVectorPerGoodRecordAndAReplayMakesNoSecondJob() throws Exception {
        final String modelId = run.stack.openAiBatchModelId();
        assumeTrue(modelId != null, "the local stack has no OpenAI batch model (MLBATCH_OPENAI_BATCH_MODEL_ID): its OpenAI stand-in is not set up");
        assumeMlCommonsMayCall(run.stack.openAiUrl(), "MLBATCH_OPENAI_BATCH_CONNECTOR_ID");
        final StringBuilder body = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            // Record 3 has a blank text: rejected before the job, so RECORDS - 1 good records.
            final String text = i == 3 ? "  " : "Passage " + i + " about offline batch inference with OpenAI.";
            body.append(StackRun.JSON.writeValueAsString(Map.of("custom_id", "oa-" + i, "method", "POST", "url", "/v1/embeddings",
                    "body", Map.of("model", "text-embedding-3-small", "input", text)))).append('\n');
        }
        // Named as stage 1 names its files (<name>-<12 hex>-<ordinal>.jsonl): the output copy carries this name.
        final String fileName = "corpus-0a1b2c3d4e5f-0000000000.jsonl";
        final String key = run.put(run.run + "/openai/input/" + fileName, body.toString());
        final String yaml = run.baseYaml("openai", modelId) + "provider_api:\n  endpoint: \"" + run.stack.openAiUrl() + "\"\n  api_key: \""
                + run.stack.openAiApiKey() + "\"\ntrack_jobs: true\njob_poll_interval: 500ms\n";

        final MLProcessor processor = run.processor(yaml);
        final Event job = runToCompletion(processor, key);
        final String jobName = job.get("job_name", String.class);
        final String outputUri = job.get("output_uri", String.class);
        assertEquals("s3://" + run.bucket() + "/" + run.run + "/openai/output/" + jobName + "/" + fileName + ".out", outputUri);
        // The job ran on the screened copy (record 3 rejected), which keeps the file name.
        assertTrue(jobInputKey(job).endsWith("/" + fileName) && !jobInputKey(job).equals(key), jobInputKey(job));
        final List<JsonNode> lines = s3Lines(outputUri);
        assertEquals(RECORDS - 1, lines.size(), lines.toString());
        for (final JsonNode line : lines) {
            assertEquals(200, line.at("/response/status_code").asInt(), line.toString());
            assertEquals(384, line.at("/response/body/data/0/embedding").size(), line.toString());
        }
        assertTrue(run.deadLetters().isEmpty(), run.deadLetters().toString());

        replayAndLoseTheLedger(processor, yaml, key, jobName, outputUri);
        assertEquals(1, openAiBatchesFor("s3://" + run.bucket() + "/" + jobInputKey(job)), "one OpenAI batch for the object");
    }

    @Test
    void aCohereObjectEndsCompletedWithAVectorPerGoodRecordAndAReplayMakesNoSecondJob() throws Exception {
        final String modelId = run.stack.cohereBatchModelId();
        assumeTrue(modelId != null, "the local stack has no Cohere batch model (MLBATCH_COHERE_BATCH_MODEL_ID): its Cohere stand-in is not set up");
        assumeMlCommonsMayCall(run.stack.cohereUrl(), "MLBATCH_COHERE_BATCH_CONNECTOR_ID");
        final StringBuilder body = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            final String text = i == 2 ? "" : "Passage " + i + " about offline batch inference with Cohere.";
            body.append(StackRun.JSON.writeValueAsString(Map.of("text", text, "id", "co-" + i))).append('\n');
        }
        final String key = run.put(run.run + "/cohere/input/a.jsonl", body.toString());
        final String yaml = run.baseYaml("cohere", modelId) + "provider_api:\n  endpoint: \"" + run.stack.cohereUrl() + "\"\n  api_key: \""
                + run.stack.cohereApiKey() + "\"\ntrack_jobs: true\njob_poll_interval: 500ms\n";

        final MLProcessor processor = run.processor(yaml);
        final Event job = runToCompletion(processor, key);
        final String jobName = job.get("job_name", String.class);
        final String outputUri = job.get("output_uri", String.class);
        assertEquals("s3://" + run.bucket() + "/" + run.run + "/cohere/output/" + jobName + "/embeddings.jsonl", outputUri);
        final List<JsonNode> rows = s3Lines(outputUri);
        assertEquals(RECORDS - 1, rows.size(), rows.toString());
        for (final JsonNode row : rows) {
            assertTrue(row.path("id").asText().startsWith("co-"), row.toString());
            assertEquals(384, row.at("/embeddings/float").size(), row.toString());
        }
        assertTrue(run.deadLetters().isEmpty(), run.deadLetters().toString());

        replayAndLoseTheLedger(processor, yaml, key, jobName, outputUri);
        assertEquals(1, cohereJobsNamed(jobName), "one Cohere embed job named " + jobName);
    }

    /**
     * ML Commons refuses {@code http}-protocol connectors (OpenAI, Cohere) to loopback and private addresses
     * ("Remote inference host name has private ip address"). plugins.ml_commons.connector.private_ip_enabled lifts
     * that for _batch_predict, but 2.19's task refresh (GetTaskTransportAction) never applies the setting, so such a
     * job could be created and never followed: this stack cannot run these jobs, whatever the processor does.
     */
    private void assumeMlCommonsMayCall(final String standInUrl, final String connectorIdKey) throws Exception {
        // What ML Commons calls is the connector's batch_predict URL (which may differ from the one clients use).
        String url = standInUrl;
        String protocol = "http";
        final String connectorId = run.stack.asMap().get(connectorIdKey);
        if (connectorId != null) {
            final HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(run.stack.openSearchUrl()
                    + "/_plugins/_ml/connectors/" + connectorId)).GET().build(), HttpResponse.BodyHandlers.ofString());
            final JsonNode connector = StackRun.JSON.readTree(answer.body());
            protocol = connector.path("protocol").asText("http");
            for (final JsonNode action : connector.path("actions")) {
                if ("batch_predict".equalsIgnoreCase(action.path("action_type").asText())) {
                    url = action.path("url").asText(url);
                }
            }
        }
        final java.net.InetAddress address = java.net.InetAddress.getByName(URI.create(url).getHost());
        final boolean privateAddress = address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress();
        assumeTrue(!privateAddress || !"http".equals(protocol), "ML Commons 2.19 refuses http connectors to " + url
                + " (a private address): 'Remote inference host name has private ip address'; its task refresh does so "
                + "even with plugins.ml_commons.connector.private_ip_enabled");
    }

    private Event runToCompletion(final MLProcessor processor, final String key) throws Exception {
        final List<Record<Event>> out = StackRun.drive(processor, List.of(run.metadataEvent(key)),
                o -> jobEvents(o).size() == 1 && inputEvents(o).size() == 1, Duration.ofMinutes(3));
        assertEquals(1, jobEvents(out).size(), out.toString());
        final Event job = jobEvents(out).get(0);
        assertEquals("COMPLETED", job.get("state", String.class), job.toJsonString());
        assertEquals("COMPLETED", inputEvents(out).get(0).get("job_state", String.class));
        return job;
    }

    /**
     * The same event again to the same processor (its ledger knows the object), then to a processor whose ledger is
     * gone (a fresh state directory): the first passes the event on, the second finds the job by name and copies its
     * outputs again to the same key; neither creates one.
     */
    private void replayAndLoseTheLedger(final MLProcessor processor, final String yaml, final String key, final String jobName,
                                        final String outputUri) throws Exception {
        final List<Record<Event>> replayed = StackRun.drive(processor, List.of(run.metadataEvent(key)), o -> inputEvents(o).size() == 1,
                Duration.ofMinutes(1));
        assertEquals(1, inputEvents(replayed).size(), replayed.toString());
        assertEquals(jobName, inputEvents(replayed).get(0).get("job_name", String.class));
        assertEquals("COMPLETED", inputEvents(replayed).get(0).get("job_state", String.class));

        final MLProcessor lost = run.processor(yaml.replace("state_directory: \"" + state + "\"", "state_directory: \"" + lostState + "\""));
        final List<Record<Event>> out = StackRun.drive(lost, List.of(run.metadataEvent(key)),
                o -> inputEvents(o).size() == 1 && jobEvents(o).size() == 1, Duration.ofMinutes(2));
        assertEquals(1, inputEvents(out).size(), out.toString());
        assertEquals(jobName, inputEvents(out).get(0).get("job_name", String.class));
        assertEquals("COMPLETED", inputEvents(out).get(0).get("job_state", String.class));
        assertEquals("COMPLETED", jobEvents(out).get(0).get("state", String.class));
        assertEquals(outputUri, jobEvents(out).get(0).get("output_uri", String.class));
        assertEquals(RECORDS - 1, s3Lines(outputUri).size());
    }

    /** The key the job read: the screened copy of the good records under staging_path. */
    private static String jobInputKey(final Event job) {
        final String uri = job.get("input_uri", String.class);
        return uri.substring(uri.indexOf('/', "s3://".length()) + 1);
    }

    private List<JsonNode> s3Lines(final String uri) throws Exception {
        final String key = uri.substring(("s3://" + run.bucket() + "/").length());
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : run.read(key).split("\n")) {
            if (!line.isBlank()) {
                lines.add(StackRun.JSON.readTree(line));
            }
        }
        return lines;
    }

    private int openAiBatchesFor(final String inputUri) throws Exception {
        int count = 0;
        String after = null;
        do {
            final JsonNode page = get(run.stack.openAiUrl() + "/v1/batches?limit=100" + (after == null ? "" : "&after=" + after),
                    run.stack.openAiApiKey());
            for (final JsonNode batch : page.path("data")) {
                count += inputUri.equals(batch.at("/metadata/input_uri").asText()) ? 1 : 0;
            }
            after = page.path("has_more").asBoolean() ? page.path("last_id").asText() : null;
        } while (after != null);
        return count;
    }

    private int cohereJobsNamed(final String name) throws Exception {
        int count = 0;
        for (final JsonNode job : get(run.stack.cohereUrl() + "/v1/embed-jobs", run.stack.cohereApiKey()).path("embed_jobs")) {
            count += name.equals(job.path("name").asText()) ? 1 : 0;
        }
        return count;
    }

    private static JsonNode get(final String url, final String key) throws Exception {
        final HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), url + ": " + answer.body());
        return StackRun.JSON.readTree(answer.body());
    }
}
