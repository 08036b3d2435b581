package dev.mlbatch.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlbatch.expression.ExpressionSyntaxCheck;
import dev.mlbatch.expression.GrammarExpressionEvaluator;
import dev.mlbatch.runtime.ack.DefaultAcknowledgementSetManager;
import dev.mlbatch.runtime.aws.DefaultAwsCredentialsSupplier;
import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.config.PipelineGraphValidator;
import dev.mlbatch.runtime.config.PipelinesDocument;
import dev.mlbatch.runtime.config.PipelinesParser;
import dev.mlbatch.runtime.config.ValueReferenceResolver;
import dev.mlbatch.runtime.config.YamlSyntaxFault;
import dev.mlbatch.runtime.coordination.PartitionStore;
import dev.mlbatch.runtime.coordination.StoreBackedCoordinatorFactory;
import dev.mlbatch.runtime.metrics.RuntimeHttpServer;
import dev.mlbatch.runtime.pipeline.Pipeline;
import dev.mlbatch.runtime.pipeline.PipelineBuilder;
import dev.mlbatch.runtime.plugin.PluginConfigBinder;
import dev.mlbatch.runtime.plugin.PluginInstantiator;
import dev.mlbatch.runtime.plugin.PluginRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;
import org.opensearch.dataprepper.model.event.EventKeyFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local Data Prepper: reads pipeline YAML and the runtime config, builds every plugin (so configuration errors
 * stop start-up before any work begins), starts the pipelines downstream-first, serves metrics, and shuts down
 * gracefully — on request, on a signal, or by itself once every source has finished and everything has drained.
 */
public final class DataPrepperRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPrepperRuntime.class);
    private static final Duration COMPLETION_CHECK_INTERVAL = Duration.ofMillis(250);

    private final Path pipelinesPath;
    private final Path configPath;
    private final Map<String, String> envOverrides;
    private final Path envFile;
    private final Integer serverPortOverride;

    private List<Pipeline> pipelines = List.of();
    private DefaultAcknowledgementSetManager acknowledgementSetManager;
    private PartitionStore partitionStore;
    private RuntimeHttpServer httpServer;
    private PrometheusMeterRegistry prometheusRegistry;
    private RuntimeConfig runtimeConfig;
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    private DataPrepperRuntime(final Builder builder) {
        this.pipelinesPath = builder.pipelines;
        this.configPath = builder.config;
        this.envOverrides = Map.copyOf(builder.env);
        this.envFile = builder.envFile;
        this.serverPortOverride = builder.serverPort;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds everything, then starts it. Throws {@link ConfigurationException} before any work begins. */
    public synchronized void start() {
        build();

        prometheusRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(prometheusRegistry);
        try {
            httpServer = new RuntimeHttpServer(runtimeConfig.getServerPort(), prometheusRegistry,
                    () -> pipelines.stream().map(Pipeline::getName).toList(), this::shutdown);
        } catch (final IOException e) {
            throw new ConfigurationException(configLocation().key("serverPort"), "cannot listen on port "
                    + runtimeConfig.getServerPort() + ": " + e.getMessage() + " (set serverPort in the runtime config; 0 picks a free port)");
        }
        for (final Pipeline pipeline : pipelines) {
            pipeline.start();
        }
        LOG.info("Data Prepper runtime started: {} pipeline(s), server on http://127.0.0.1:{} (/metrics/prometheus, /list, /shutdown)",
                pipelines.size(), httpServer.getPort());
        final Thread completionMonitor = new Thread(this::watchForCompletion, "completion-monitor");
        completionMonitor.setDaemon(true);
        completionMonitor.start();
    }

    /**
     * What {@link #start()} checks before any work begins, and nothing more: reads and validates the pipelines and
     * creates every plugin with its bound configuration, then shuts them down again without having started any.
     * Throws {@link ConfigurationException} as {@code start()} would. The runtime cannot be started afterwards.
     */
    public synchronized void validate() {
        try {
            build();
        } finally {
            shutdown();
        }
    }

    /** Reads the configuration and creates every plugin; nothing runs yet. */
    private void build() {
        runtimeConfig = readRuntimeConfig();
        if (serverPortOverride != null) {
            runtimeConfig = runtimeConfig.withServerPort(serverPortOverride);
        }
        final EnvironmentValues environment = EnvironmentValues.load(envOverrides, envFile);
        environment.exportAwsEndpointsToSdk();

        final PipelinesDocument document = new PipelinesParser(new ValueReferenceResolver(environment::get)).parse(pipelinesPath);
        new PipelineGraphValidator(ExpressionSyntaxCheck::findError).validate(document);

        final EventKeyFactory eventKeyFactory = new DefaultEventKeyFactory();
        final ExpressionEvaluator expressionEvaluator = new GrammarExpressionEvaluator(eventKeyFactory);
        acknowledgementSetManager = new DefaultAcknowledgementSetManager();
        final DefaultAwsCredentialsSupplier awsCredentials = awsCredentialsSupplier(document.extension(), environment);
        partitionStore = openPartitionStore();
        final PluginConfigBinder binder = new PluginConfigBinder(eventKeyFactory);
        final PluginInstantiator instantiator = new PluginInstantiator(
                PluginRegistry.scanClasspath(Thread.currentThread().getContextClassLoader()), binder,
                List.of(expressionEvaluator, acknowledgementSetManager, eventKeyFactory, awsCredentials),
                ExpressionSyntaxCheck::findError);
        pipelines = new PipelineBuilder(instantiator, binder, expressionEvaluator,
                new StoreBackedCoordinatorFactory(partitionStore, runtimeConfig.getSourceCoordination().getPartitionPrefix()))
                .build(document);
    }

    private ConfigLocation configLocation() {
        return ConfigLocation.ofFile(configPath == null ? Path.of("data-prepper-config.yaml") : configPath);
    }

    private RuntimeConfig readRuntimeConfig() {
        if (configPath == null) {
            return RuntimeConfig.defaults();
        }
        final Map<String, Object> settings;
        String text = "";
        try {
            text = Files.readString(configPath);
            settings = new YAMLMapper().readValue(text, new TypeReference<Map<String, Object>>() {
            });
        } catch (final JsonProcessingException e) {
            final YamlSyntaxFault fault = YamlSyntaxFault.of(text, e);
            throw new ConfigurationException(configLocation().at(fault.line(), fault.column()), "YAML syntax error: " + fault.problem(), e);
        } catch (final IOException e) {
            throw new ConfigurationException(configLocation(), "cannot read the runtime config: " + e.getMessage());
        }
        return new PluginConfigBinder(new DefaultEventKeyFactory()).bind(RuntimeConfig.class,
                settings == null ? Map.of() : settings, configLocation());
    }

    private PartitionStore openPartitionStore() {
        final RuntimeConfig.FileStore file = runtimeConfig.getSourceCoordination().getStore().getFile();
        if (file == null) {
            return PartitionStore.inMemory();
        }
        LOG.info("Source coordination store: {}", file.getPath().toAbsolutePath());
        return PartitionStore.durable(file.getPath());
    }

    @SuppressWarnings("unchecked")
    private static DefaultAwsCredentialsSupplier awsCredentialsSupplier(final Map<String, Object> extension, final EnvironmentValues environment) {
        final Map<String, DefaultAwsCredentialsSupplier.AwsConfiguration> named = new HashMap<>();
        Region defaultRegion = environment.get("AWS_REGION").map(Region::of).orElse(null);
        String defaultRole = null;
        final Object aws = extension.get("aws");
        if (aws instanceof Map<?, ?> awsMap && awsMap.get("configurations") instanceof Map<?, ?> configurations) {
            for (final Map.Entry<?, ?> entry : configurations.entrySet()) {
                final Map<String, Object> values = (Map<String, Object>) entry.getValue();
                final DefaultAwsCredentialsSupplier.AwsConfiguration configuration = new DefaultAwsCredentialsSupplier.AwsConfiguration(
                        (String) values.get("region"), (String) values.get("sts_role_arn"), (String) values.get("sts_external_id"));
                if ("default".equals(entry.getKey())) {
                    defaultRegion = configuration.region() == null ? defaultRegion : Region.of(configuration.region());
                    defaultRole = configuration.stsRoleArn();
                }
                named.put(String.valueOf(entry.getKey()), configuration);
            }
        }
        final AwsCredentialsProvider base = environment.fileCredentials()
                .<AwsCredentialsProvider>map(StaticCredentialsProvider::create)
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        return new DefaultAwsCredentialsSupplier(base, defaultRegion, defaultRole, named);
    }

    private void watchForCompletion() {
        final boolean canFinish = pipelines.stream().allMatch(Pipeline::canFinish);
        boolean completeLastTime = false;
        while (!shutdownStarted.get()) {
            sleep(COMPLETION_CHECK_INTERVAL);
            final boolean complete = canFinish && pipelines.stream().allMatch(Pipeline::isComplete);
            if (complete && completeLastTime) {
                LOG.info("Every source has finished and every pipeline has drained");
                finished.countDown();
                return;
            }
            completeLastTime = complete;
        }
    }

    /** Whether every source can report that it has finished (otherwise {@link #awaitFinished} waits for a stop). */
    public boolean canFinish() {
        return pipelines.stream().allMatch(Pipeline::canFinish);
    }

    public List<String> pipelinesThatNeverFinish() {
        return pipelines.stream().filter(p -> !p.canFinish()).map(Pipeline::getName).toList();
    }

    /** Waits until every source has finished and everything has drained, or the runtime was stopped. */
    public boolean awaitFinished(final Duration timeout) throws InterruptedException {
        final Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (finished.await(100, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (stopped.getCount() == 0) {
                return false;
            }
        }
        return false;
    }

    /** Waits until the runtime has shut down. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    public int getServerPort() {
        return httpServer == null ? -1 : httpServer.getPort();
    }

    /** Graceful shutdown: stop every source first, then each pipeline upstream-first so connectors drain downstream. */
    public void shutdown() {
        if (!shutdownStarted.compareAndSet(false, true)) {
            try {
                stopped.await();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        LOG.info("Shutting down");
        pipelines.forEach(Pipeline::stopSource);
        final List<Pipeline> upstreamFirst = new java.util.ArrayList<>(pipelines);
        java.util.Collections.reverse(upstreamFirst);
        final Duration processorTimeout = runtimeConfig == null ? Duration.ofSeconds(30) : runtimeConfig.getProcessorShutdownTimeout();
        for (final Pipeline pipeline : upstreamFirst) {
            pipeline.shutdown(processorTimeout, processorTimeout);
        }
        if (httpServer != null) {
            httpServer.close();
        }
        if (acknowledgementSetManager != null) {
            acknowledgementSetManager.close();
        }
        if (partitionStore != null) {
            partitionStore.close();
        }
        if (prometheusRegistry != null) {
            Metrics.removeRegistry(prometheusRegistry);
            prometheusRegistry.close();
        }
        LOG.info("Data Prepper runtime stopped");
        stopped.countDown();
    }

    @Override
    public void close() {
        shutdown();
    }

    private static void sleep(final Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static final class Builder {
        private Path pipelines;
        private Path config;
        private Map<String, String> env = Map.of();
        private Path envFile = EnvironmentValues.defaultEnvFile();
        private Integer serverPort = 0;

        /** A pipeline YAML file or a directory of them. */
        public Builder pipelines(final Path pipelinesFileOrDirectory) {
            this.pipelines = pipelinesFileOrDirectory;
            return this;
        }

        /** Optional runtime config in the shape of data-prepper-config.yaml. */
        public Builder config(final Path dataPrepperConfig) {
            this.config = dataPrepperConfig;
            return this;
        }

        /** Extra values for ${{env:NAME}} references; they win over the process environment. */
        public Builder env(final Map<String, String> values) {
            this.env = values;
            return this;
        }

        /** The env file to read (default $MLBATCH_HOME/stack.env); null for none. */
        public Builder envFile(final Path file) {
            this.envFile = file;
            return this;
        }

        /** The HTTP port; null takes it from the runtime config (default 4900). The builder's default is 0: any free port. */
        public Builder serverPort(final Integer port) {
            this.serverPort = port;
            return this;
        }

        public DataPrepperRuntime build() {
            if (pipelines == null) {
                throw new IllegalArgumentException("pipelines(...) is required");
            }
            return new DataPrepperRuntime(this);
        }
    }
}
