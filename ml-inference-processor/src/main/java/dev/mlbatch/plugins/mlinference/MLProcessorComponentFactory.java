package dev.mlbatch.plugins.mlinference;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.common.aws.S3ClientFactory;
import dev.mlbatch.plugins.common.aws.S3ClientOptions;
import dev.mlbatch.plugins.mlinference.batch.BatchJobCoordinator;
import dev.mlbatch.plugins.mlinference.batch.BatchJobSubmitter;
import dev.mlbatch.plugins.mlinference.batch.BatchPredictRequestFactory;
import dev.mlbatch.plugins.mlinference.batch.CohereDatasets;
import dev.mlbatch.plugins.mlinference.batch.CoordinatorRunner;
import dev.mlbatch.plugins.mlinference.batch.FailureClassifier;
import dev.mlbatch.plugins.mlinference.batch.HostedBatchApi;
import dev.mlbatch.plugins.mlinference.batch.InputFiles;
import dev.mlbatch.plugins.mlinference.batch.InputObjectResolver;
import dev.mlbatch.plugins.mlinference.batch.InputScreener;
import dev.mlbatch.plugins.mlinference.batch.JobEventFactory;
import dev.mlbatch.plugins.mlinference.batch.JobLedger;
import dev.mlbatch.plugins.mlinference.batch.JobNamer;
import dev.mlbatch.plugins.mlinference.batch.JobRepair;
import dev.mlbatch.plugins.mlinference.batch.JobTracker;
import dev.mlbatch.plugins.mlinference.batch.ManifestWriter;
import dev.mlbatch.plugins.mlinference.batch.OpenAiBatchFiles;
import dev.mlbatch.plugins.mlinference.batch.RecordScreen;
import dev.mlbatch.plugins.mlinference.batch.SlotsHeldElsewhereReport;
import dev.mlbatch.plugins.mlinference.client.BatchJobService;
import dev.mlbatch.plugins.mlinference.client.BatchJobServiceFactory;
import dev.mlbatch.plugins.mlinference.client.MlCommonsClient;
import dev.mlbatch.plugins.mlinference.client.MlCommonsClientFactory;
import dev.mlbatch.plugins.mlinference.client.ProviderApiClient;
import dev.mlbatch.plugins.mlinference.config.ActionType;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import dev.mlbatch.plugins.mlinference.config.ProviderApiOptions;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterFile;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterStore;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterWriter;
import dev.mlbatch.plugins.mlinference.dlq.S3DlqOptions;
import dev.mlbatch.plugins.mlinference.realtime.RealtimePredictor;
import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Wires an {@link MLProcessor}'s parts from its config — the one place that does: the metrics, the failure
 * handling (tags and a DLQ), and either the real-time predictor (action_type predict) or the batch-job coordinator
 * (shared by every processor on the same ledger) with its clients, ledger, submitter and tracker.
 */
public final class MLProcessorComponentFactory {
    private static final Logger LOG = LoggerFactory.getLogger(MLProcessorComponentFactory.class);

    /**
     * What the processor works with.
     *
     * @param runner           the coordinator's runner (batch mode), else null
     * @param predictor        the real-time predictor (predict mode), else null
     * @param predictResources what predict mode opened, for the processor to close at shutdown (the batch side's
     *                         resources belong to the runner)
     */
    public record Components(MLProcessorMetrics metrics, EventFailureHandler failures, DeadLetterStore deadLetters,
                             CoordinatorRunner runner, RealtimePredictor predictor, List<AutoCloseable> predictResources) {
    }

    private MLProcessorComponentFactory() {
    }

    /** Wires the processor's parts; batch mode joins (or starts) the coordinator shared by every processor on the same ledger. */
    public static Components create(final MLProcessorConfig config, final PluginSetting pluginSetting,
                                               final PluginMetrics pluginMetrics, final AwsCredentialsSupplier awsCredentialsSupplier) {
        final MLProcessorMetrics metrics = new MLProcessorMetrics(pluginMetrics);
        final String pipelineName = pluginSetting.getPipelineName() == null ? "pipeline" : pluginSetting.getPipelineName();
        final ObjectMapper mapper = new ObjectMapper();
        final DeadLetterStore deadLetters = deadLetterStore(config, awsCredentialsSupplier, pipelineName, mapper);
        final EventFailureHandler failures = new EventFailureHandler(config.getTagsOnFailure(), deadLetters, metrics);
        if (config.getActionType() == ActionType.PREDICT) {
            final MlCommonsClient client = MlCommonsClientFactory.create(config, awsCredentialsSupplier, mapper);
            final RealtimePredictor predictor = new RealtimePredictor(client, config.getModelId(), config.getInputKey(),
                    config.getOutputKey(), config.getInputParameter(),
                    config.getParameters(), config.getMaxBatchSize(), new FailureClassifier(), failures, metrics, mapper);
            return new Components(metrics, failures, deadLetters, null, predictor, List.of(client, deadLetters));
        }
        final Path ledgerFile = ledgerFile(config, pipelineName);
        final CoordinatorRunner runner = CoordinatorRunner.acquire(ledgerFile.toAbsolutePath().normalize().toString(),
                () -> startCoordinator(config, awsCredentialsSupplier, ledgerFile, failures, deadLetters, metrics, mapper));
        return new Components(metrics, failures, deadLetters, runner, null, List.of());
    }

    private static CoordinatorRunner.Started startCoordinator(final MLProcessorConfig config, final AwsCredentialsSupplier supplier,
                                                              final Path ledgerFile, final EventFailureHandler failures,
                                                              final DeadLetterStore deadLetters, final MLProcessorMetrics metrics,
                                                              final ObjectMapper mapper) {
        final Clock clock = Clock.systemUTC();
        final List<AutoCloseable> resources = new ArrayList<>();
        final JobLedger ledger;
        try {
            ledger = JobLedger.open(ledgerFile, config.getStateRetention(), clock);
        } catch (final IOException e) {
            throw new UncheckedIOException("ml_inference: cannot open the job ledger " + ledgerFile.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        resources.add(ledger);
        final BatchJobService jobs = BatchJobServiceFactory.create(config, supplier, mapper);
        resources.add(jobs);
        // Null for a built-in Bedrock model: its jobs go to Bedrock itself.
        final MlCommonsClient client = jobs instanceof MlCommonsClient ml ? ml : null;
        resources.add(deadLetters);
        final S3Client s3 = S3ClientFactory.fromProcess().create(Region.of(region(config, supplier)), processorCredentials(config, supplier),
                S3ClientOptions.defaults().withEndpoint(config.getS3Endpoint()));
        resources.add(s3);
        final ManifestWriter manifestWriter = config.getServiceName() == ServiceName.SAGEMAKER ? new ManifestWriter(s3, mapper) : null;
        final JobNamer namer = new JobNamer(config.getServiceName(), config.getModelId(), config.getOutputPath());
        final BatchPredictRequestFactory requests = new BatchPredictRequestFactory(mapper, config.getOutputPath(), config.getParameters());
        final InputFiles files = new InputFiles(s3, mapper, InputFiles.S3Location.parse(config.getStagingPath()),
                InputFiles.S3Location.parse(config.getRejectedPath()));
        final RecordScreen screen = new RecordScreen(config.getServiceName(), config.getRecordTextPath(), config.getMaxTextLength(), mapper);
        final InputScreener screener = config.isCheckInputObjects() ? new InputScreener(files, screen) : InputScreener.none();
        final HostedBatchApi hosted = hostedBatchApi(config, s3, mapper);
        final JobRepair repair = new JobRepair(files, screen, namer, requests, config.getMaxJobAttempts(), mapper, clock, hosted);
        final BatchJobSubmitter submitter = client != null
                ? new BatchJobSubmitter(client, config.getModelId(), config.getServiceName(), requests,
                        manifestWriter, namer, new FailureClassifier(), ledger, clock, hosted)
                : new BatchJobSubmitter(jobs, config.getModelId(), config.getServiceName(), requests, manifestWriter, namer,
                        new FailureClassifier(), ledger, clock);
        final BatchJobCoordinator coordinator = new BatchJobCoordinator(
                new BatchJobCoordinator.Settings(config.getServiceName(), config.isTrackJobs(), config.getMaxConcurrentJobs(),
                        config.getMaxBatchSize(), config.getBatchWait(), config.getJobPollInterval(), config.getRetryInterval(),
                        config.getRetryTimeWindow(), config.getMaxJobAttempts()),
                new InputObjectResolver(config.getInputKey()), screener, repair, namer, ledger, submitter, new JobTracker(jobs),
                client == null ? null : new SlotsHeldElsewhereReport(client, clock), new JobEventFactory(config.getServiceName(), config.getModelId(), requests), failures, metrics, clock);
        LOG.info("ml_inference batch jobs: ledger {}, requests to {}, {}", ledger.file().toAbsolutePath(),
                jobs.describe(), config.getMaxConcurrentJobs() > 0
                        ? "at most " + config.getMaxConcurrentJobs() + " concurrent job(s)" : "no concurrency limit of our own");
        return new CoordinatorRunner.Started(coordinator, resources);
    }

    /** OpenAI / Cohere: the provider's own API for uploads and outputs (config validation made sure the key is set). */
    private static HostedBatchApi hostedBatchApi(final MLProcessorConfig config, final S3Client s3, final ObjectMapper mapper) {
        final ServiceName service = config.getServiceName();
        if (!service.isHostedApi()) {
            return null;
        }
        final ProviderApiOptions options = config.getProviderApi();
        final ProviderApiClient api = new ProviderApiClient(service == ServiceName.OPENAI ? "OpenAI" : "Cohere", options.endpoint(service),
                options.getApiKey(), config.getRequestTimeout(), mapper);
        LOG.info("ml_inference: input objects are uploaded to, and outputs copied from, the {}", api.describe());
        return service == ServiceName.OPENAI ? new OpenAiBatchFiles(api, s3, mapper, config.getOutputPath())
                : new CohereDatasets(api, s3, mapper, config.getOutputPath(), options.getValidationTimeout());
    }

    /** One ledger per pipeline and work definition (service, model, output path), so a config change of those starts afresh. */
    static Path ledgerFile(final MLProcessorConfig config, final String pipelineName) {
        final String material = config.getServiceName().optionValue() + "\n" + config.getModelId() + "\n" + config.getOutputPath();
        try {
            final String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(material.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
            return config.getStateDirectory().resolve(pipelineName.replaceAll("[^A-Za-z0-9_.-]", "_") + "-ml_inference-" + hash + ".ledger");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The configured S3 DLQ, or else a file beside the ledger: every failure is kept durably. */
    private static DeadLetterStore deadLetterStore(final MLProcessorConfig config, final AwsCredentialsSupplier supplier,
                                                   final String pipelineName, final ObjectMapper mapper) {
        if (config.getDlq() == null) {
            return new DeadLetterFile(config.getStateDirectory().resolve(pipelineName.replaceAll("[^A-Za-z0-9_.-]", "_")
                    + "-ml_inference-dead-letters.jsonl"), pipelineName, mapper, Clock.systemUTC());
        }
        final S3DlqOptions dlq = S3DlqOptions.fromSettings(config.getDlq().getPluginSettings());
        final String region = dlq.getRegion() != null ? dlq.getRegion() : region(config, supplier);
        final AwsCredentialsProvider credentials;
        if (dlq.getStsRoleArn() != null) {
            credentials = supplier.getProvider(AwsCredentialsOptions.builder().withRegion(region).withStsRoleArn(dlq.getStsRoleArn())
                    .withStsExternalId(dlq.getStsExternalId()).withStsHeaderOverrides(dlq.getStsHeaderOverrides()).build());
        } else {
            credentials = processorCredentials(config, supplier);
        }
        final String endpoint = dlq.getEndpoint() != null ? dlq.getEndpoint()
                : config.getS3Endpoint() == null ? null : config.getS3Endpoint().toString();
        final S3Client s3 = S3ClientFactory.fromProcess().create(Region.of(region), credentials,
                S3ClientOptions.defaults().withEndpoint(endpoint == null ? null : URI.create(endpoint)).withForcePathStyle(dlq.isForcePathStyle()));
        return new DeadLetterWriter(s3, dlq, pipelineName, mapper, Clock.systemUTC());
    }

    private static AwsCredentialsProvider processorCredentials(final MLProcessorConfig config, final AwsCredentialsSupplier supplier) {
        if (config.getAws() != null) {
            return config.getAws().credentials(supplier);
        }
        return supplier.getProvider(AwsCredentialsOptions.builder().withRegion(region(config, supplier))
                .withUseDefaultCredentialsProvider(true).build());
    }

    private static String region(final MLProcessorConfig config, final AwsCredentialsSupplier supplier) {
        if (config.getAws() != null && config.getAws().regionId() != null) {
            return config.getAws().regionId();
        }
        return supplier.getDefaultRegion().map(Region::id).orElse("us-east-1");
    }
}
