package dev.mlbatch.plugins.bench;

import dev.mlbatch.plugins.file.FileSink;
import dev.mlbatch.plugins.file.FileSinkConfig;
import dev.mlbatch.plugins.file.FileSource;
import dev.mlbatch.plugins.file.FileSourceConfig;
import dev.mlbatch.plugins.mutate.CopyValueProcessor;
import dev.mlbatch.plugins.mutate.CopyValueProcessorConfig;
import dev.mlbatch.plugins.mutate.DeleteEntryProcessor;
import dev.mlbatch.plugins.mutate.DeleteEntryProcessorConfig;
import dev.mlbatch.plugins.testing.ConfigBinding;
import dev.mlbatch.plugins.testing.Events;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.CheckpointState;
import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.TestEventKeyFactory;
import org.opensearch.dataprepper.model.record.Record;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Pushes N small JSON lines through file source -> copy_values -> delete_entries -> file sink on the source's
 * thread (no runtime, no queue), and prints events/s: the cost of these plugins alone. Not a test.
 * Usage: PluginChainThroughput [events] [workdir]
 */
public final class PluginChainThroughput {
    public static void main(final String[] args) throws Exception {
        final int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("plugin-chain");
        final Path input = dir.resolve("input.jsonl");
        try (BufferedWriter writer = Files.newBufferedWriter(input)) {
            for (int i = 0; i < events; i++) {
                writer.write("{\"id\":" + i + ",\"content\":[{\"text\":\"document " + i + "\"}],\"tmp\":\"x\",\"kind\":\"doc\"}\n");
            }
        }
        final Path output = dir.resolve("output.jsonl");
        final PluginMetrics metrics = PluginMetrics.fromNames("bench", "bench");
        final CopyValueProcessor copy = new CopyValueProcessor(metrics, ConfigBinding.bindValid(Map.of("entries", List.of(
                Map.of("from_key", "/content/0/text", "to_key", "text"),
                Map.of("from_key", "id", "to_key", "doc_id", "copy_when", "/kind == \"doc\""))), CopyValueProcessorConfig.class),
                Events.EVALUATOR, TestEventKeyFactory.getTestEventFactory());
        final DeleteEntryProcessor delete = new DeleteEntryProcessor(metrics, ConfigBinding.bindValid(Map.of(
                "with_keys", List.of("tmp", "/content/0")), DeleteEntryProcessorConfig.class),
                Events.EVALUATOR, TestEventKeyFactory.getTestEventFactory());
        final PluginSetting sinkSetting = new PluginSetting("file", Map.of());
        sinkSetting.setPipelineName("bench");
        final FileSink sink = new FileSink(sinkSetting, ConfigBinding.bindValid(Map.of("path", output.toString()), FileSinkConfig.class));
        sink.initialize();
        final FileSource source = new FileSource(ConfigBinding.bindValid(Map.of("path", input.toString(), "format", "json",
                "record_type", "event"), FileSourceConfig.class), metrics, null, null);

        final Buffer<Record<Event>> inline = new Buffer<>() {
            @Override
            public void write(final Record<Event> record, final int timeoutInMillis) {
                writeAll(List.of(record), timeoutInMillis);
            }

            @Override
            public void writeAll(final Collection<Record<Event>> records, final int timeoutInMillis) {
                sink.output(delete.execute(copy.execute(records)));
            }

            @Override
            public Map.Entry<Collection<Record<Event>>, CheckpointState> read(final int timeoutInMillis) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkpoint(final CheckpointState checkpointState) {
            }

            @Override
            public boolean isEmpty() {
                return true;
            }
        };
        final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        final long cpuStart = os.getProcessCpuTime();
        final long start = System.nanoTime();
        source.start(inline);
        while (!source.isFinished()) {
            Thread.sleep(2);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        sink.shutdown();
        System.out.println("first output line: " + Files.newBufferedReader(output).readLine());
        System.out.printf("plugins: %d events in %.2f s = %.0f events/s; process CPU %.2f s = %.0f events per CPU-second"
                + " (heap max %d MB, load average %.1f)%n", events, seconds, events / seconds, cpuSeconds, events / cpuSeconds,
                Runtime.getRuntime().maxMemory() >> 20, os.getSystemLoadAverage());
    }
}
