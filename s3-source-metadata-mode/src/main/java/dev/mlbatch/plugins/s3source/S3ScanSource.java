package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.common.aws.BucketOwnerResolver;
import dev.mlbatch.plugins.common.aws.S3ClientFactory;
import dev.mlbatch.plugins.common.aws.S3ClientOptions;
import dev.mlbatch.plugins.s3source.config.ProcessingCondition;
import dev.mlbatch.plugins.s3source.config.S3SourceConfig;
import dev.mlbatch.plugins.s3source.config.ScanBucketEntry;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSetManager;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.configuration.PipelineDescription;
import org.opensearch.dataprepper.model.configuration.PluginModel;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.plugin.PluginFactory;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.source.Source;
import org.opensearch.dataprepper.model.source.coordinator.SourceCoordinator;
import org.opensearch.dataprepper.model.source.coordinator.UsesSourceCoordination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The {@code s3} source in scan mode: lists the configured buckets on a schedule and turns each object into events
 * according to its bucket entry's {@code data_selection}. Accepts upstream's YAML for scan mode.
 */
@DataPrepperPlugin(name = "s3", pluginType = Source.class, pluginConfigurationType = S3SourceConfig.class)
public class S3ScanSource implements Source<Record<Event>>, UsesSourceCoordination {
    private static final Logger LOG = LoggerFactory.getLogger(S3ScanSource.class);
    /** How long stop() lets workers finish the object they are reading before aborting the read. */
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    static final RetryBackoff RETRY_BACKOFF = new RetryBackoff(Duration.ofSeconds(2), Duration.ofMinutes(5));
    /** Upstream uses 5 SDK retries: 6 attempts in all, with the SDK's standard backoff and throttling handling. */
    static final int S3_MAX_ATTEMPTS = 6;

    private final S3SourceConfig config;
    private final PluginFactory pluginFactory;
    private final AcknowledgementSetManager acknowledgementSetManager;
    private final AwsCredentialsSupplier awsCredentialsSupplier;
    private final PipelineDescription pipelineDescription;
    private final ExpressionEvaluator expressionEvaluator;
    private final S3ScanMetrics metrics;
    private final S3ClientFactory s3ClientFactory;
    private final Clock clock;
    private final PartitionLedger ledger = new PartitionLedger();
    private final ScanSchedule schedule;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final List<Thread> workerThreads = new ArrayList<>();
    private volatile boolean abortReads = false;
    private volatile SourceCoordinator<S3ObjectProgressState> sourceCoordinator;
    private S3Client s3Client;

    @DataPrepperPluginConstructor
    public S3ScanSource(final PluginMetrics pluginMetrics, final S3SourceConfig config, final PluginFactory pluginFactory,
                        final AcknowledgementSetManager acknowledgementSetManager, final AwsCredentialsSupplier awsCredentialsSupplier,
                        final PipelineDescription pipelineDescription, final ExpressionEvaluator expressionEvaluator) {
        this(pluginMetrics, config, pluginFactory, acknowledgementSetManager, awsCredentialsSupplier, pipelineDescription,
                expressionEvaluator, S3ClientFactory.fromProcess(), Clock.systemUTC());
    }

    S3ScanSource(final PluginMetrics pluginMetrics, final S3SourceConfig config, final PluginFactory pluginFactory,
                 final AcknowledgementSetManager acknowledgementSetManager, final AwsCredentialsSupplier awsCredentialsSupplier,
                 final PipelineDescription pipelineDescription, final ExpressionEvaluator expressionEvaluator,
                 final S3ClientFactory s3ClientFactory, final Clock clock) {
        this.config = config;
        this.expressionEvaluator = expressionEvaluator;
        checkProcessingConditions(config, expressionEvaluator);
        this.pluginFactory = pluginFactory;
        this.acknowledgementSetManager = acknowledgementSetManager;
        this.awsCredentialsSupplier = awsCredentialsSupplier;
        this.pipelineDescription = pipelineDescription;
        this.metrics = new S3ScanMetrics(pluginMetrics);
        this.s3ClientFactory = s3ClientFactory;
        this.clock = clock;
        this.schedule = new ScanSchedule(config.getScan().getScheduling());
        // A misspelt codec name or setting fails start-up, named, instead of failing each worker at its first object.
        loadCodec();
        metrics.registerPendingGauge(ledger, PartitionLedger::pendingCount);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> void setSourceCoordinator(final SourceCoordinator<T> sourceCoordinator) {
        this.sourceCoordinator = (SourceCoordinator<S3ObjectProgressState>) sourceCoordinator;
    }

    @Override
    public Class<?> getPartitionProgressStateClass() {
        return S3ObjectProgressState.class;
    }

    @Override
    public boolean areAcknowledgementsEnabled() {
        return config.isAcknowledgments();
    }

    @Override
    public void start(final Buffer<Record<Event>> buffer) {
        if (buffer == null) {
            throw new IllegalStateException("s3 source: buffer is null");
        }
        if (sourceCoordinator == null) {
            throw new IllegalStateException("s3 source: scan mode needs source coordination, and no SourceCoordinator was provided");
        }
        sourceCoordinator.initialize();
        s3Client = s3ClientFactory.create(config.getAws(), awsCredentialsSupplier, s3ClientOptions(config.getWorkers()));

        final BucketOwnerResolver owners = new BucketOwnerResolver(config.isDisableBucketOwnershipValidation(),
                config.getBucketOwners(), config.getDefaultBucketOwner(), config.getAws());
        warnAboutUnknownOwners(owners);
        final ScanTargets scanTargets = ScanTargets.fromConfig(config, owners, clock.instant());
        final ScanPartitionSupplier supplier = new ScanPartitionSupplier(scanTargets, new BucketLister(s3Client, scanTargets),
                schedule, ledger, metrics, clock);
        supplier.setSourceCoordinator(sourceCoordinator);
        final PartitionSettler settler = new PartitionSettler(sourceCoordinator, ledger, metrics, RETRY_BACKOFF, clock);
        final ObjectPartitionProcessor processor = new ObjectPartitionProcessor(
                new ObjectPartitionProcessor.Settings(config.isAcknowledgments(), config.getScan().getAcknowledgmentTimeout(),
                        config.isDeleteS3ObjectsOnRead(), config.getRecordsToAccumulate(), config.getBufferTimeout()),
                s3Client, scanTargets,
                bucket -> new ScanTarget(bucket, config.getDataSelection(), List.of(), List.of(), null, null, owners.expectedOwner(bucket)),
                new ObjectContentReader(s3Client, config.getCompression(), RangedObjectInputStream.DEFAULT_RANGE_BYTES),
                new ObjectEventFactory(config.getMetadataRootKey(), config.isDisableS3MetadataInEvent(), clock),
                acknowledgementSetManager, settler, metrics, buffer, () -> abortReads, clock, conditionEvaluator());

        LOG.info("s3 scan source starting: {} bucket entries, {} workers, acknowledgments {}, endpoint {}",
                scanTargets.all().size(), config.getWorkers(), config.isAcknowledgments(),
                s3ClientFactory.isEndpointOverridden() ? "overridden (path-style addressing)" : "AWS");
        for (int i = 1; i <= config.getWorkers(); i++) {
            final ScanWorker worker = new ScanWorker(sourceCoordinator, supplier, processor, loadCodec(), ledger, schedule,
                    config.getBackoffTime(), stopSignal, clock);
            final Thread thread = new Thread(worker, "s3-scan-worker-" + i);
            thread.setDaemon(true);
            workerThreads.add(thread);
            thread.start();
        }
    }

    /** Every `when` must parse: a typo would otherwise hold every object back, one WARN at a time. */
    /** A connection per worker and then some (ranged reads overlap listing), and a bucket followed into its region. */
    static S3ClientOptions s3ClientOptions(final int workers) {
        return S3ClientOptions.defaults().withMaxConnections(Math.max(50, workers * 2)).withMaxAttempts(S3_MAX_ATTEMPTS)
                .withFollowBucketRegion(true);
    }

    private static void checkProcessingConditions(final S3SourceConfig config, final ExpressionEvaluator expressionEvaluator) {
        final List<ScanBucketEntry> entries = config.getScan().getBuckets();
        for (int i = 0; i < entries.size(); i++) {
            final List<ProcessingCondition> conditions = entries.get(i).getBucket().getProcessingConditions();
            for (int j = 0; j < conditions.size(); j++) {
                final String key = "scan.buckets[" + i + "].bucket.processing_conditions[" + j + "].when";
                if (expressionEvaluator == null) {
                    throw new InvalidPluginConfigurationException(key + ": processing_conditions need the runtime's expression evaluator, and none was provided");
                }
                final String when = conditions.get(j).getWhen();
                boolean valid;
                try {
                    valid = Boolean.TRUE.equals(expressionEvaluator.isValidExpressionStatement(when));
                } catch (final RuntimeException e) {
                    valid = false;
                }
                if (!valid) {
                    throw new InvalidPluginConfigurationException(key + ": '" + when + "' is not a valid conditional expression");
                }
            }
        }
    }

    private ProcessingConditionEvaluator conditionEvaluator() {
        final List<ProcessingCondition> all = config.getScan().getBuckets().stream()
                .flatMap(entry -> entry.getBucket().getProcessingConditions().stream())
                .collect(Collectors.toList());
        return all.isEmpty() ? null : new ProcessingConditionEvaluator(s3Client, expressionEvaluator, pluginFactory,
                pipelineDescription == null ? null : pipelineDescription.getPipelineName(), all);
    }

    /** One codec instance per worker, loaded by name through the plugin factory; null when nothing reads content. */
    private InputCodec loadCodec() {
        final PluginModel codec = config.getCodec();
        if (codec == null) {
            return null;
        }
        final PluginSetting codecSetting = new PluginSetting(codec.getPluginName(),
                codec.getPluginSettings() == null ? new HashMap<>() : codec.getPluginSettings());
        codecSetting.setPipelineName(pipelineDescription == null ? null : pipelineDescription.getPipelineName());
        return pluginFactory.loadPlugin(InputCodec.class, codecSetting);
    }

    private void warnAboutUnknownOwners(final BucketOwnerResolver owners) {
        final Set<String> unowned = config.getScan().getBuckets().stream()
                .map(ScanBucketEntry::getBucket)
                .map(bucket -> bucket.getName())
                .filter(owners::hasNoOwnerFor)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!unowned.isEmpty()) {
            LOG.warn("s3 source: no expected owner for bucket(s) {}; requests to them carry no expectedBucketOwner. " +
                    "Set default_bucket_owner or bucket_owners, or disable_bucket_ownership_validation: true to silence this",
                    unowned);
        }
    }

    @Override
    public void stop() {
        stopSignal.countDown();
        if (!joinWorkers(STOP_GRACE)) {
            LOG.warn("s3 source: workers still reading after {}; aborting their reads (those objects will be read again)", STOP_GRACE);
            abortReads = true;
            joinWorkers(Duration.ofSeconds(10));
        }
        // The S3 client stays open: acknowledgements that arrive while the pipeline drains may still delete objects.
    }

    private boolean joinWorkers(final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        for (final Thread thread : workerThreads) {
            final long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            try {
                thread.join(remainingMillis);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return workerThreads.stream().noneMatch(Thread::isAlive);
    }

    /**
     * True once every allowed scan ({@code scheduling.count}, or the single scan) has run and every object partition
     * this source took up is settled: completed (read and, with acknowledgements, acknowledged) or parked after a
     * permanent failure. The runtime's exit-when-done mode calls it reflectively.
     */
    public boolean isFinished() {
        return schedule.isAllScansDone() && ledger.isDrained();
    }
}
