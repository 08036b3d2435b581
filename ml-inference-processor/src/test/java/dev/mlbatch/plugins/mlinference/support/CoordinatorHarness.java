package dev.mlbatch.plugins.mlinference.support;

import dev.mlbatch.plugins.common.testing.LocalS3;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.EventFailureHandler;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import dev.mlbatch.plugins.mlinference.batch.BatchJobCoordinator;
import dev.mlbatch.plugins.mlinference.batch.BatchJobSubmitter;
import dev.mlbatch.plugins.mlinference.batch.BatchPredictRequestFactory;
import dev.mlbatch.plugins.mlinference.batch.CohereDatasets;
import dev.mlbatch.plugins.mlinference.batch.FailureClassifier;
import dev.mlbatch.plugins.mlinference.batch.HostedBatchApi;
import dev.mlbatch.plugins.mlinference.batch.OpenAiBatchFiles;
import dev.mlbatch.plugins.mlinference.client.ProviderApiClient;
import dev.mlbatch.plugins.mlinference.batch.InputFiles;
import dev.mlbatch.plugins.mlinference.batch.InputScreener;
import dev.mlbatch.plugins.mlinference.batch.JobRepair;
import dev.mlbatch.plugins.mlinference.batch.RecordScreen;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterFile;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterStore;
import dev.mlbatch.plugins.mlinference.batch.InputObjectResolver;
import dev.mlbatch.plugins.mlinference.batch.JobEventFactory;
import dev.mlbatch.plugins.mlinference.batch.JobLedger;
import dev.mlbatch.plugins.mlinference.batch.JobNamer;
import dev.mlbatch.plugins.mlinference.batch.JobTracker;
import dev.mlbatch.plugins.mlinference.batch.ManifestWriter;
import dev.mlbatch.plugins.mlinference.batch.SlotsHeldElsewhereReport;
import dev.mlbatch.plugins.mlinference.client.MlCommonsClient;
import dev.mlbatch.plugins.mlinference.client.NoAuthenticator;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterWriter;
import dev.mlbatch.plugins.mlinference.dlq.S3DlqOptions;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Builds a {@link BatchJobCoordinator} wired like the processor wires it (real client, real ledger file,
 * real S3 for manifests and DLQ when given) and drives it by calling tick() in a loop.
 */
public final class CoordinatorHarness implements AutoCloseable {
    public static final String OUTPUT = "s3://out-bucket/results";
    public static final String STAGING = "s3://out-bucket/staging/";
    public static final String REJECTED = "s3://out-bucket/rejected/";

    public final BatchJobCoordinator coordinator;
    public final JobLedger ledger;
    public final MLProcessorMetrics metrics;
    public final List<Record<Event>> emitted = new ArrayList<>();
    private final MlCommonsClient client;

    /** A local S3 with the buckets the harness reads and writes: inputs, dead letters, outputs/staging/rejected. */
    public static LocalS3 startS3() throws Exception {
        final LocalS3 s3 = new LocalS3();
        s3.createBucket("in-bucket");
        s3.createBucket("dlq-bucket");
        s3.createBucket("out-bucket");
        return s3;
    }

    public static Builder builder(final String host, final Path ledgerFile) {
        return new Builder(host, ledgerFile);
    }

    public static final class Builder {
        private final String host;
        private final Path ledgerFile;
        private ServiceName service = ServiceName.BEDROCK;
        private String modelId = "model-1";
        private boolean trackJobs = true;
        private int maxConcurrentJobs = 0;
        private int maxBatchSize = 100;
        private Duration batchWait = Duration.ofMillis(200);
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration retryInterval = Duration.ofMillis(400);
        private Duration retryTimeWindow = Duration.ofSeconds(30);
        private int maxJobAttempts = 3;
        private LocalS3 s3;
        private boolean screen = true;
        private String providerApiUrl;
        private String providerApiKey;

        private Builder(final String host, final Path ledgerFile) {
            this.host = host;
            this.ledgerFile = ledgerFile;
        }

        public Builder service(final ServiceName value) { service = value; return this; }
        public Builder modelId(final String value) { modelId = value; return this; }
        public Builder trackJobs(final boolean value) { trackJobs = value; return this; }
        public Builder maxConcurrentJobs(final int value) { maxConcurrentJobs = value; return this; }
        public Builder maxBatchSize(final int value) { maxBatchSize = value; return this; }
        public Builder retryTimeWindow(final Duration value) { retryTimeWindow = value; return this; }
        public Builder maxJobAttempts(final int value) { maxJobAttempts = value; return this; }
        public Builder s3(final LocalS3 value) { s3 = value; return this; }
        public Builder screen(final boolean value) { screen = value; return this; }
        /** OpenAI / Cohere (per service): the provider's own API for uploads and outputs; needs s3(). */
        public Builder providerApi(final String url, final String key) { providerApiUrl = url; providerApiKey = key; return this; }

        public CoordinatorHarness build() throws Exception {
            return new CoordinatorHarness(this);
        }
    }

    private CoordinatorHarness(final Builder b) throws Exception {
        Metrics.globalRegistry.add(new SimpleMeterRegistry());
        final ObjectMapper mapper = new ObjectMapper();
        final Clock clock = Clock.systemUTC();
        metrics = new MLProcessorMetrics(PluginMetrics.fromNames("ml_inference", "test-" + UUID.randomUUID()));
        ledger = JobLedger.open(b.ledgerFile, Duration.ofDays(1), clock);
        client = new MlCommonsClient(URI.create(b.host), ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(5))
                .connectionTimeout(Duration.ofSeconds(2)).build(), new NoAuthenticator(), mapper);
        DeadLetterStore dlq = new DeadLetterFile(b.ledgerFile.resolveSibling("dead-letters.jsonl"), "test-pipeline", mapper, clock);
        ManifestWriter manifests = null;
        HostedBatchApi hosted = null;
        InputScreener screener = InputScreener.none();
        JobRepair repair = JobRepair.none();
        final JobNamer namer = new JobNamer(b.service, b.modelId, OUTPUT);
        final BatchPredictRequestFactory requests = new BatchPredictRequestFactory(mapper, OUTPUT, Map.of());
        if (b.s3 != null) {
            final InputFiles files = new InputFiles(b.s3.client(), mapper, InputFiles.S3Location.parse(STAGING),
                    InputFiles.S3Location.parse(REJECTED));
            final RecordScreen screen = new RecordScreen(b.service, b.service == ServiceName.BEDROCK ? "/modelInput/inputText"
                    : b.service == ServiceName.OPENAI ? "/body/input" : "/text", 50_000, mapper);
            screener = b.screen ? new InputScreener(files, screen) : InputScreener.none();
            if (b.providerApiUrl != null) {
                final ProviderApiClient api = new ProviderApiClient(b.service == ServiceName.OPENAI ? "OpenAI" : "Cohere",
                        URI.create(b.providerApiUrl), b.providerApiKey, Duration.ofSeconds(5), mapper);
                hosted = b.service == ServiceName.OPENAI ? new OpenAiBatchFiles(api, b.s3.client(), mapper, OUTPUT)
                        : new CohereDatasets(api, b.s3.client(), mapper, OUTPUT, Duration.ofSeconds(10));
            }
            repair = new JobRepair(files, screen, namer, requests, b.maxJobAttempts, mapper, clock, hosted);
            dlq = new DeadLetterWriter(b.s3.client(), S3DlqOptions.fromSettings(Map.of("bucket", "dlq-bucket", "key_path_prefix", "ml/")),
                    "test-pipeline", mapper, clock);
            manifests = new ManifestWriter(b.s3.client(), mapper);
        }
        final BatchJobSubmitter submitter = new BatchJobSubmitter(client, b.modelId, b.service, requests, manifests, namer,
                new FailureClassifier(), ledger, clock, hosted);
        coordinator = new BatchJobCoordinator(new BatchJobCoordinator.Settings(b.service, b.trackJobs, b.maxConcurrentJobs,
                b.maxBatchSize, b.batchWait, b.pollInterval, b.retryInterval, b.retryTimeWindow, b.maxJobAttempts),
                new InputObjectResolver(null), screener, repair, namer, ledger, submitter, new JobTracker(client),
                new SlotsHeldElsewhereReport(client, clock), new JobEventFactory(b.service, b.modelId, requests),
                new EventFailureHandler(List.of("ml_failed"), dlq, metrics), metrics, clock);
    }

    /** Ticks until {@code done} holds for everything emitted so far, or the timeout passes. */
    public boolean runUntil(final Predicate<List<Record<Event>>> done, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            coordinator.tick();
            emitted.addAll(coordinator.drainReady());
            if (done.test(emitted)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    public List<Event> inputEvents() {
        return emitted.stream().map(Record::getData).filter(e -> !e.getMetadata().getEventType().equals(JobEventFactory.EVENT_TYPE)).toList();
    }

    public List<Event> jobEvents() {
        return emitted.stream().map(Record::getData).filter(e -> e.getMetadata().getEventType().equals(JobEventFactory.EVENT_TYPE)).toList();
    }

    /** Simulates a crash: the ledger file is left as it is, nothing is finished. */
    @Override
    public void close() {
        coordinator.close();
        ledger.close();
        client.close();
    }
}
