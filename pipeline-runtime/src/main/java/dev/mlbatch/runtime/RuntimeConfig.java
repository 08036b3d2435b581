package dev.mlbatch.runtime;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The runtime's own settings, in the shape of Data Prepper's {@code data-prepper-config.yaml}: the server port,
 * shutdown timeouts and {@code source_coordination} with an {@code in_memory} or durable {@code file} store.
 */
public final class RuntimeConfig {
    @JsonProperty("serverPort")
    @JsonAlias("server_port")
    @Min(0)
    @Max(65535)
    private int serverPort = 4900;

    @JsonProperty("ssl")
    private boolean ssl = false;

    @JsonProperty("metricRegistries")
    @JsonAlias("metric_registries")
    private List<String> metricRegistries = List.of("Prometheus");

    @JsonProperty("processorShutdownTimeout")
    @JsonAlias("processor_shutdown_timeout")
    private Duration processorShutdownTimeout = Duration.ofSeconds(30);

    @JsonProperty("sinkShutdownTimeout")
    @JsonAlias("sink_shutdown_timeout")
    private Duration sinkShutdownTimeout = Duration.ofSeconds(30);

    @JsonProperty("source_coordination")
    @Valid
    private SourceCoordination sourceCoordination = new SourceCoordination();

    @JsonProperty("extensions")
    private Map<String, Object> extensions = Map.of();

    public static RuntimeConfig defaults() {
        return new RuntimeConfig();
    }

    public int getServerPort() {
        return serverPort;
    }

    public Duration getProcessorShutdownTimeout() {
        return processorShutdownTimeout;
    }

    public Duration getSinkShutdownTimeout() {
        return sinkShutdownTimeout;
    }

    public SourceCoordination getSourceCoordination() {
        return sourceCoordination;
    }

    public Map<String, Object> getExtensions() {
        return extensions;
    }

    RuntimeConfig withServerPort(final int port) {
        final RuntimeConfig copy = new RuntimeConfig();
        copy.serverPort = port;
        copy.ssl = ssl;
        copy.metricRegistries = metricRegistries;
        copy.processorShutdownTimeout = processorShutdownTimeout;
        copy.sinkShutdownTimeout = sinkShutdownTimeout;
        copy.sourceCoordination = sourceCoordination;
        copy.extensions = extensions;
        return copy;
    }

    @AssertTrue(message = "ssl: true is not supported by the local runtime; its server listens on 127.0.0.1 only")
    boolean isPlainHttp() {
        return !ssl;
    }

    @AssertTrue(message = "metricRegistries: only Prometheus is supported")
    boolean isPrometheusOnly() {
        return metricRegistries.stream().allMatch(r -> r.equalsIgnoreCase("Prometheus"));
    }

    public static final class SourceCoordination {
        @JsonProperty("partition_prefix")
        private String partitionPrefix;

        @JsonProperty("store")
        @Valid
        private Store store = new Store();

        public String getPartitionPrefix() {
            return partitionPrefix;
        }

        public Store getStore() {
            return store;
        }
    }

    /** Exactly one of {@code in_memory: {}} or {@code file: {path: ...}}. */
    public static final class Store {
        @JsonProperty("in_memory")
        private Map<String, Object> inMemory;

        @JsonProperty("file")
        @Valid
        private FileStore file;

        public FileStore getFile() {
            return file;
        }

        @AssertTrue(message = "source_coordination.store takes exactly one of in_memory or file")
        boolean isOneStore() {
            return !(inMemory != null && file != null);
        }
    }

    public static final class FileStore {
        @JsonProperty("path")
        private Path path;

        public Path getPath() {
            return path;
        }

        @AssertTrue(message = "source_coordination.store.file.path is required")
        boolean isPathSet() {
            return path != null;
        }
    }
}
