package dev.mlbatch.runtime;

import dev.mlbatch.runtime.testplugins.CollectingSink;
import dev.mlbatch.runtime.testplugins.CountingSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineRunTest {
    @TempDir
    Path dir;

    private DataPrepperRuntime run(final String yaml) throws IOException, InterruptedException {
        final Path file = dir.resolve("pipelines.yaml");
        Files.writeString(file, yaml);
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(file).envFile(null).build();
        runtime.start();
        assertTrue(runtime.awaitFinished(Duration.ofSeconds(60)), "pipelines did not finish");
        runtime.shutdown();
        return runtime;
    }

    @Test
    void routesDecideWhichSinkGetsWhichEventAndAcknowledgementsCompleteTheSource() throws Exception {
        run("""
                version: "2"
                routed:
                  workers: 2
                  delay: 10
                  source:
                    counting: { count: 1000, acknowledgments: true, run_id: routed }
                  buffer:
                    bounded_blocking: { buffer_size: 256, batch_size: 32 }
                  processor:
                    - test_drop: { drop_when: '/n >= 900' }
                  route:
                    - even: '/kind == "even"'
                    - big: '/nested/v > 5000'
                  sink:
                    - collecting: { name: routed-even, routes: [even] }
                    - collecting: { name: routed-default, routes: [_default] }
                    - collecting: { name: routed-all }
                """);
        assertEquals(450, CollectingSink.received("routed-even").size());
        assertEquals(250, CollectingSink.received("routed-default").size());
        assertTrue(CollectingSink.received("routed-default").stream().allMatch(j -> j.contains("\"kind\":\"odd\"")));
        assertEquals(900, CollectingSink.received("routed-all").size());
        assertEquals(List.of(true), CountingSource.ACKNOWLEDGEMENTS.get("routed"));
    }

    @Test
    void aSinkThatGivesUpAcknowledgesNegatively() throws Exception {
        run("""
                negative:
                  delay: 10
                  source:
                    counting: { count: 10, acknowledgments: true, run_id: negative }
                  sink:
                    - collecting: { name: negative-ok }
                    - collecting: { name: negative-failing, acknowledge: false }
                """);
        assertEquals(List.of(false), CountingSource.ACKNOWLEDGEMENTS.get("negative"));
    }

    @Test
    void pipelineConnectorsChainPipelinesWithEndToEndAcknowledgements() throws Exception {
        run("""
                first:
                  delay: 10
                  source:
                    counting: { count: 500, acknowledgments: true, run_id: chained }
                  sink:
                    - pipeline: { name: second }
                second:
                  delay: 10
                  source:
                    pipeline: { name: first }
                  processor:
                    - test_drop: { drop_when: '/kind == "odd"' }
                  sink:
                    - collecting: { name: chained-out }
                """);
        assertEquals(250, CollectingSink.received("chained-out").size());
        assertEquals(List.of(true), CountingSource.ACKNOWLEDGEMENTS.get("chained"));
    }

    @Test
    void serverExposesPrometheusMetricsListAndShutdown() throws Exception {
        final Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                served:
                  delay: 10
                  source:
                    counting: { count: 42, run_id: served }
                  sink:
                    - collecting: { name: served-out }
                """);
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(file).envFile(null).build();
        runtime.start();
        assertTrue(runtime.awaitFinished(Duration.ofSeconds(30)));
        final HttpClient client = HttpClient.newHttpClient();
        final String base = "http://127.0.0.1:" + runtime.getServerPort();
        final String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("served_collecting_recordsIn_total 42.0") || metrics.contains("served_bounded_blocking_recordsWritten_total 42.0"),
                metrics);
        final String list = client.send(HttpRequest.newBuilder(URI.create(base + "/list")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertEquals("{\"pipelines\":[{\"name\":\"served\"}]}", list);
        assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(base + "/shutdown")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        runtime.awaitStopped();
    }
}
