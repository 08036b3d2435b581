package dev.mlbatch.plugins.s3source;

import dev.mlbatch.expression.GrammarExpressionEvaluator;
import dev.mlbatch.plugins.common.aws.S3ClientFactory;
import dev.mlbatch.plugins.s3source.config.S3SourceConfig;
import dev.mlbatch.plugins.s3source.fixtures.CollectingBuffer;
import dev.mlbatch.plugins.s3source.fixtures.ConfigBinder;
import dev.mlbatch.plugins.s3source.fixtures.InMemorySourceCoordinator;
import dev.mlbatch.plugins.s3source.fixtures.LocalCredentialsSupplier;
import dev.mlbatch.plugins.s3source.fixtures.TestAcknowledgementSetManager;
import dev.mlbatch.plugins.s3source.fixtures.TestPluginFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Test helper: one s3 source wired to test fixtures, with the endpoint set through the SDK's system property. */
final class ScanSourceHarness implements AutoCloseable {
    private static final AtomicInteger PIPELINES = new AtomicInteger();
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

    static {
        Metrics.globalRegistry.add(REGISTRY);
    }

    final String pipelineName = "test-pipeline-" + PIPELINES.incrementAndGet();
    final CollectingBuffer buffer;
    final InMemorySourceCoordinator<S3ObjectProgressState> coordinator;
    final TestAcknowledgementSetManager acknowledgements = new TestAcknowledgementSetManager();
    final TestPluginFactory pluginFactory = new TestPluginFactory();
    final LocalCredentialsSupplier credentials = new LocalCredentialsSupplier();
    final S3ScanSource source;

    ScanSourceHarness(final String endpoint, final String sourceYaml) throws Exception {
        this(endpoint, sourceYaml, new InMemorySourceCoordinator<>(S3ObjectProgressState.class), new CollectingBuffer());
    }

    ScanSourceHarness(final String endpoint, final String sourceYaml,
                      final InMemorySourceCoordinator<S3ObjectProgressState> coordinator, final CollectingBuffer buffer) throws Exception {
        this(endpoint, ConfigBinder.bindValid(sourceYaml, S3SourceConfig.class), coordinator, buffer);
    }

    /** With a configuration bound by the caller (e.g. a retry_delay below the validated minimum, so tests stay short). */
    ScanSourceHarness(final String endpoint, final S3SourceConfig config,
                      final InMemorySourceCoordinator<S3ObjectProgressState> coordinator, final CollectingBuffer buffer) throws Exception {
        this.coordinator = coordinator;
        this.buffer = buffer;
        final PluginSetting setting = new PluginSetting("s3", Map.of());
        setting.setPipelineName(pipelineName);
        final S3ClientFactory clientFactory = new S3ClientFactory(
                name -> "aws.endpointUrlS3".equals(name) ? endpoint : System.getProperty(name), Map.of());
        System.setProperty("aws.endpointUrlS3", endpoint);
        source = new S3ScanSource(PluginMetrics.fromNames("s3", pipelineName), config, pluginFactory, acknowledgements,
                credentials, setting, new GrammarExpressionEvaluator(new DefaultEventKeyFactory()), clientFactory, Clock.systemUTC());
        source.setSourceCoordinator(coordinator);
    }

    ScanSourceHarness start() {
        source.start(buffer);
        return this;
    }

    boolean awaitFinished(final Duration timeout) throws InterruptedException {
        return await(source::isFinished, timeout);
    }

    static boolean await(final BooleanSupplier condition, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    double counter(final String name) {
        final Counter counter = REGISTRY.find(pipelineName + ".s3." + name).counter();
        return counter == null ? 0 : counter.count();
    }

    double gauge(final String name) {
        final io.micrometer.core.instrument.Gauge gauge = REGISTRY.find(pipelineName + ".s3." + name).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    @Override
    public void close() throws Exception {
        source.stop();
        acknowledgements.close();
        System.clearProperty("aws.endpointUrlS3");
    }
}
