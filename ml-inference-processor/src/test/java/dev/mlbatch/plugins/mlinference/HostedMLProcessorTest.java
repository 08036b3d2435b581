package dev.mlbatch.plugins.mlinference;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import dev.mlbatch.plugins.mlinference.support.CoordinatorHarness;
import dev.mlbatch.plugins.mlinference.support.Events;
import dev.mlbatch.plugins.mlinference.support.FakeHostedBatchApis;
import dev.mlbatch.plugins.common.testing.LocalS3;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

/** The processor wired from its options for service_name openai and cohere (provider_api, S3, ledger), end to end. */
class HostedMLProcessorTest {
    @TempDir
    Path state;
    private FakeHostedBatchApis apis;
    private LocalS3 s3;
    private final List<MLProcessor> started = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        apis = new FakeHostedBatchApis();
        s3 = CoordinatorHarness.startS3();
        log.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        started.forEach(MLProcessor::shutdown);
        apis.close();
        s3.close();
    }

    private MLProcessor processor(final String service, final String modelId, final String providerUrl) {
        final PluginSetting setting = new PluginSetting("ml_inference", Map.of());
        setting.setPipelineName("p");
        final MLProcessor processor = new MLProcessor(ConfigBinder.bind("host: \"" + apis.url() + "\"\n"
                + "service_name: " + service + "\nmodel_id: " + modelId + "\noutput_path: s3://out-bucket/results\n"
                + "aws_sigv4: false\naws: { region: us-east-1 }\ns3_endpoint: \"" + s3.endpoint() + "\"\n"
                + "provider_api: { endpoint: \"" + providerUrl + "\", api_key: \"" + FakeHostedBatchApis.API_KEY + "\" }\n"
                + "state_directory: \"" + state + "\"\njob_poll_interval: 100ms\ntrack_jobs: true\n"),
                PluginMetrics.fromNames("ml_inference", "p-" + UUID.randomUUID()), null, setting,
                new StaticCredentialsSupplier(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY), mock(ExpressionEvaluator.class));
        started.add(processor);
        return processor;
    }

    private static List<Record<Event>> run(final MLProcessor processor, final Event event) throws InterruptedException {
        final List<Record<Event>> out = new ArrayList<>(processor.execute(List.of(new Record<>(event))));
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (out.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            out.addAll(processor.execute(List.of()));
        }
        return out;
    }

    @Test
    void openAiThroughTheProcessorEndsCompletedWithItsS3CopyAndNeverLogsTheKey() throws Exception {
        s3.client().putObject(r -> r.bucket("in-bucket").key("p/openai.jsonl"), RequestBody.fromString(
                "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"text-embedding-3-small\",\"input\":\"alpha\"}}\n"
                        + "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"text-embedding-3-small\",\"input\":\"beta\"}}\n"));
        final List<Record<Event>> out = run(processor("openai", FakeHostedBatchApis.OPENAI_MODEL, apis.openAiUrl()),
                Events.object("in-bucket", "p/openai.jsonl"));
        assertEquals(2, out.size(), "the input event and the job event");
        final Event job = out.stream().map(Record::getData).filter(e -> "ml_batch_job".equals(e.getMetadata().getEventType())).findFirst().orElseThrow();
        assertEquals("COMPLETED", job.get("state", String.class));
        final String outputUri = job.get("output_uri", String.class);
        assertTrue(outputUri.matches("s3://out-bucket/results/mlb-[^/]+/openai\\.jsonl\\.out"), outputUri);
        assertEquals(2, s3.read("out-bucket", outputUri.substring("s3://out-bucket/".length())).split("\n").length);
        assertEquals(1, apis.jobsCreated().size());
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("OpenAI API at " + apis.openAiUrl() + " (Bearer key)")));
        assertFalse(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains(FakeHostedBatchApis.API_KEY)), "the key is never logged");
    }

    @Test
    void cohereThroughTheProcessorEndsCompletedWithItsS3Copy() throws Exception {
        s3.client().putObject(r -> r.bucket("in-bucket").key("p/cohere.jsonl"), RequestBody.fromString(
                "{\"text\":\"alpha\",\"id\":\"a\"}\n{\"text\":\"beta\",\"id\":\"b\"}\n{\"text\":\"gamma\",\"id\":\"c\"}\n"));
        final List<Record<Event>> out = run(processor("cohere", FakeHostedBatchApis.COHERE_MODEL, apis.cohereUrl()),
                Events.object("in-bucket", "p/cohere.jsonl"));
        final Event job = out.stream().map(Record::getData).filter(e -> "ml_batch_job".equals(e.getMetadata().getEventType())).findFirst().orElseThrow();
        assertEquals("COMPLETED", job.get("state", String.class));
        final String outputUri = job.get("output_uri", String.class);
        assertTrue(outputUri.endsWith("/embeddings.jsonl"), outputUri);
        assertEquals(3, s3.read("out-bucket", outputUri.substring("s3://out-bucket/".length())).split("\n").length);
        assertFalse(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains(FakeHostedBatchApis.API_KEY)), "the key is never logged");
    }
}
