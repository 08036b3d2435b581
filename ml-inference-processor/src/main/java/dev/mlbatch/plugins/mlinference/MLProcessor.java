package dev.mlbatch.plugins.mlinference;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.common.aws.S3ClientFactory;
import dev.mlbatch.plugins.common.aws.S3ClientOptions;
import dev.mlbatch.plugins.mlinference.batch.BatchJobCoordinator;
import dev.mlbatch.plugins.mlinference.batch.BatchJobSubmitter;
import dev.mlbatch.plugins.mlinference.batch.BatchPredictRequestFactory;
import dev.mlbatch.plugins.mlinference.batch.CoordinatorRunner;
import dev.mlbatch.plugins.mlinference.batch.CohereDatasets;
import dev.mlbatch.plugins.mlinference.batch.FailureClassifier;
import dev.mlbatch.plugins.mlinference.batch.HostedBatchApi;
import dev.mlbatch.plugins.mlinference.batch.OpenAiBatchFiles;
import dev.mlbatch.plugins.mlinference.batch.InputFiles;
import dev.mlbatch.plugins.mlinference.batch.InputScreener;
import dev.mlbatch.plugins.mlinference.batch.JobRepair;
import dev.mlbatch.plugins.mlinference.batch.RecordScreen;
import dev.mlbatch.plugins.mlinference.batch.InputObjectResolver;
import dev.mlbatch.plugins.mlinference.batch.JobEventFactory;
import dev.mlbatch.plugins.mlinference.batch.JobLedger;
import dev.mlbatch.plugins.mlinference.batch.JobNamer;
import dev.mlbatch.plugins.mlinference.batch.JobTracker;
import dev.mlbatch.plugins.mlinference.batch.ManifestWriter;
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
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.processor.AbstractProcessor;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code ml_inference} processor. In batch mode it hands matching events to a
 * {@link BatchJobCoordinator} and returns them later, on a subsequent call, once their job exists (or has
 * finished, with track_jobs) — so it holds events and says so. In predict mode it calls {@code _predict}
 * and returns the events in the same call.
 */
@DataPrepperPlugin(name = "ml_inference", pluginType = Processor.class, pluginConfigurationType = MLProcessorConfig.class)
public class MLProcessor extends AbstractProcessor<Record<Event>, Record<Event>> {
    private static final Logger LOG = LoggerFactory.getLogger(MLProcessor.class);

    private final MLProcessorConfig config;
    private final ExpressionEvaluator expressionEvaluator;
    private final MLProcessorMetrics metrics;
    private final CoordinatorRunner runner;
    private final RealtimePredictor predictor;
    private final EventFailureHandler predictFailures;
    private final List<AutoCloseable> predictResources = new ArrayList<>();

    @DataPrepperPluginConstructor
    public MLProcessor(final MLProcessorConfig config, final PluginSetting pluginSetting, final PluginMetrics pluginMetrics,
                       final AwsCredentialsSupplier awsCredentialsSupplier, final ExpressionEvaluator expressionEvaluator) {
        super(pluginMetrics);
        this.config = config;
        this.expressionEvaluator = expressionEvaluator;
        this.metrics = new MLProcessorMetrics(pluginMetrics);
        if (config.getMlWhen() != null && !expressionEvaluator.isValidExpressionStatement(config.getMlWhen())) {
            throw new InvalidPluginConfigurationException("ml_when is not a valid expression: \"" + config.getMlWhen() + "\"");
        }
        final String pipelineName = pluginSetting.getPipelineName() == null ? "pipeline" : pluginSetting.getPipelineName();
        final ObjectMapper mapper = new ObjectMapper();
        final DeadLetterStore deadLetters = deadLetterStore(config, awsCredentialsSupplier, pipelineName, mapper);
        final EventFailureHandler failures = new EventFailureHandler(config.getTagsOnFailure(), deadLetters, metrics);
        this.predictFailures = failures;
        if (config.getActionType() == ActionType.PREDICT) {
            final MlCommonsClient client = MlCommonsClientFactory.create(config, awsCredentialsSupplier, mapper);
            predictResources.add(client);
            predictResources.add(deadLetters);
            predictor = new RealtimePredictor(client, config.getModelId(), config.getInputKey(),
                    config.getOutputKey(), config.getInputParameter(),
                    config.getParameters(), config.getMaxBatchSize(), new FailureClassifier(), failures, metrics, mapper);
            runner = null;
        } else {
            predictor = null;
            final Path ledgerFile = ledgerFile(config, pipelineName);
            runner = CoordinatorRunner.acquire(ledgerFile.toAbsolutePath().normalize().toString(),
                    () -> startCoordinator(config, awsCredentialsSupplier, ledgerFile, failures, deadLetters, mapper));
        }
        LOG.info("ml_inference ready: {} on model {} at {} ({}){}", config.getActionType().optionValue(), config.getModelId(),
                config.isBuiltInBedrockModel() && config.getActionType() == ActionType.BATCH_PREDICT
                        ? "Bedrock " + config.getBedrockEndpoint() + " (built-in model, no ML Commons)" : config.getHost(), config.isSigningEnabled() ? "SigV4" : config.getUsername() != null ? "basic auth" : "unsigned",
                (config.getDlq() == null ? "; no dlq configured: dead letters go to " : "; dlq ") + deadLetters.describe());
    }

    private CoordinatorRunner.Started startCoordinator(final MLProcessorConfig config, final AwsCredentialsSupplier supplier,
                                                       final Path ledgerFile, final EventFailureHandler failures,
                                                       final DeadLetterStore deadLetters, final ObjectMapper mapper) {
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
                S3ClientOptions.defaults().withEndpoint(endpoint == null ? null : java.net.URI.create(endpoint)).withForcePathStyle(dlq.isForcePathStyle()));
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

    @Override
    public Collection<Record<Event>> doExecute(final Collection<Record<Event>> records) {
        final List<Record<Event>> out = new ArrayList<>();
        if (runner != null) {
            // What finished since the last call goes out first; the runtime calls us even with empty batches.
            out.addAll(runner.coordinator().drainReady());
        }
        if (records.isEmpty()) {
            return out;
        }
        final List<Event> matching = new ArrayList<>();
        for (final Record<Event> record : records) {
            if (matches(record.getData())) {
                matching.add(record.getData());
            } else {
                out.add(record);
            }
        }
        if (matching.isEmpty()) {
            return out;
        }
        if (predictor != null) {
            try {
                out.addAll(predictor.predict(matching));
            } catch (final RuntimeException e) {
                // Never let events vanish with an exception: fail them like any other failure.
                out.addAll(predictFailures.handle(matching.stream()
                        .map(event -> EventFailureHandler.Failure.of(event, null, 500, "_predict failed: " + e)).toList()));
            }
        } else {
            runner.coordinator().accept(matching);
            metrics.batchJobRequestsSucceeded().increment();
        }
        return out;
    }

    private boolean matches(final Event event) {
        if (config.getMlWhen() == null) {
            return true;
        }
        try {
            return Boolean.TRUE.equals(expressionEvaluator.evaluateConditional(config.getMlWhen(), event));
        } catch (final RuntimeException e) {
            // As upstream: an event the condition cannot be evaluated on passes through untouched.
            LOG.warn("ml_when \"{}\" could not be evaluated on an event ({}); passing it through", config.getMlWhen(), e.getMessage());
            return false;
        }
    }

    @Override
    public boolean holdsEvents() {
        return true;
    }

    @Override
    public void prepareForShutdown() {
        if (runner != null) {
            runner.coordinator().flushGroups();
        }
    }

    /**
     * Ready when no event is held: all went downstream (job created, or finished with track_jobs) or failed.
     * A graceful stop waits for that up to the runtime's processor shutdown timeout; events still held then stay
     * unacknowledged, the source delivers them again after a restart, and the ledger maps them to their jobs.
     */
    @Override
    public boolean isReadyForShutdown() {
        return runner == null || runner.coordinator().isDrained();
    }

    @Override
    public void shutdown() {
        if (runner != null) {
            runner.release();
        }
        for (final AutoCloseable resource : predictResources) {
            try {
                resource.close();
            } catch (final Exception e) {
                LOG.warn("Closing {}: {}", resource, e.getMessage());
            }
        }
    }
}
