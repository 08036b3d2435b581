package dev.mlbatch.plugins.mlinference.it;

import dev.mlbatch.plugins.mlinference.MLProcessor;
import dev.mlbatch.plugins.mlinference.batch.JobEventFactory;
import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import dev.mlbatch.plugins.mlinference.support.PermissiveExpressionEvaluator;
import dev.mlbatch.plugins.mlinference.support.StaticCredentialsSupplier;
import dev.mlbatch.stack.LocalCredentials;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A process of its own that runs one ml_inference processor the way a pipeline worker does, so a test
 * can kill it with SIGKILL. Args: processor YAML file, file of {@code bucket key time length} lines (the
 * metadata_only events a source delivers, again after a restart as nothing was acknowledged). Prints
 * {@code DONE <key> <job_name> <job_state>} per input event that comes out, {@code ALL-DONE} at the end.
 */
public final class ProcessorProcessMain {
    private ProcessorProcessMain() {
    }

    public static void main(final String[] args) throws Exception {
        final String yaml = Files.readString(Path.of(args[0]));
        final List<Event> events = new ArrayList<>();
        for (final String line : Files.readAllLines(Path.of(args[1]))) {
            final String[] f = line.trim().split(" ");
            events.add(JacksonEvent.builder().withEventType("event").withData(Map.of("bucket", f[0], "key", f[1],
                    "time", Long.parseLong(f[2]), "length", Long.parseLong(f[3]))).build());
        }
        final PluginSetting setting = new PluginSetting("ml_inference", Map.of());
        setting.setPipelineName("restart-test");
        final MLProcessor processor = new MLProcessor(ConfigBinder.bind(yaml), setting, PluginMetrics.fromNames("ml_inference", "restart-test"),
                new StaticCredentialsSupplier(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY),
                new PermissiveExpressionEvaluator());
        final Set<String> done = new HashSet<>();
        List<Record<Event>> batch = events.stream().map(Record::new).toList();
        while (done.size() < events.size()) {
            for (final Record<Event> record : processor.execute(batch)) {
                final Event event = record.getData();
                if (!JobEventFactory.EVENT_TYPE.equals(event.getMetadata().getEventType())) {
                    done.add(event.get("key", String.class));
                    System.out.println("DONE " + event.get("key", String.class) + " " + event.get("job_name", String.class) + " "
                            + event.get("job_state", String.class) + " " + event.getMetadata().getTags());
                }
            }
            batch = List.of();
            Thread.sleep(100);
        }
        System.out.println("ALL-DONE");
        processor.prepareForShutdown();
        processor.shutdown();
        System.exit(0);
    }
}
