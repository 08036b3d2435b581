package dev.mlbatch.plugins.s3enrich;

import dev.mlbatch.plugins.common.aws.BucketOwnerResolver;
import dev.mlbatch.plugins.s3enrich.config.S3EnrichProcessorConfig;
import io.micrometer.core.instrument.Counter;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.configuration.PluginModel;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.plugin.PluginFactory;
import org.opensearch.dataprepper.model.processor.AbstractProcessor;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code s3_enrich}: joins each event (a batch-inference output record) to its source record, read from the source
 * object its output object came from, on a correlation key, and copies {@code keys_to_merge} from the source record
 * into the event (or, with {@code merge_all_keys}, every field but the source correlation key). Source objects are cached whole, within {@code cache_max_count} records and {@code cache_ttl}.
 * <p>
 * An event that cannot be enriched (no output key, a name that does not map, no correlation value, a missing,
 * too large or unreadable source object, no record with its value) keeps its data, gets {@code tags_on_failure},
 * is counted ({@code numberOfRecordsEnrichedFailureFromS3}, and {@code recordsWithoutMatch} for the last case) and is
 * passed on; one WARN per batch and cause names the object and how many events it concerned.
 */
@DataPrepperPlugin(name = "s3_enrich", pluginType = Processor.class, pluginConfigurationType = S3EnrichProcessorConfig.class)
public class S3EnrichProcessor extends AbstractProcessor<Record<Event>, Record<Event>> {
    private static final Logger LOG = LoggerFactory.getLogger(S3EnrichProcessor.class);

    public static final String NUMBER_OF_RECORDS_ENRICHED_SUCCESS = "numberOfRecordsEnrichedSuccessFromS3";
    public static final String NUMBER_OF_RECORDS_ENRICHED_FAILED = "numberOfRecordsEnrichedFailureFromS3";
    /** Ours: events whose source object was read but holds no record with their correlation value. */
    public static final String RECORDS_WITHOUT_MATCH = "recordsWithoutMatch";
    /** Ours: records held by the cache (all objects). */
    public static final String CACHED_SOURCE_RECORDS = "cachedSourceRecords";

    /** Our s3 source's metadata attribute with the object key, used when {@code s3_key_path} is not set. */
    static final String S3_KEY_METADATA = "s3_key";

    private final S3EnrichProcessorConfig config;
    private final ExpressionEvaluator expressionEvaluator;
    private final S3Client s3Client;
    private final SourceObjectLocator locator;
    private final SourceObjectLoader loader;
    private final SourceRecordCache cache;
    private final MergedFields mergedFields;
    private final List<String> tagsOnFailure;
    private final Counter successCounter;
    private final Counter failureCounter;
    private final Counter withoutMatchCounter;
    private final AtomicLong cachedRecords;

    @DataPrepperPluginConstructor
    public S3EnrichProcessor(final S3EnrichProcessorConfig s3EnrichProcessorConfig,
                             final PluginMetrics pluginMetrics,
                             final AwsCredentialsSupplier awsCredentialsSupplier,
                             final ExpressionEvaluator expressionEvaluator,
                             final PluginFactory pluginFactory) {
        super(pluginMetrics);
        this.config = s3EnrichProcessorConfig;
        this.expressionEvaluator = expressionEvaluator;
        checkSettings(config, expressionEvaluator);
        this.mergedFields = config.isMergeAllKeys() ? MergedFields.allExcept(config.getSourceCorrelationKey())
                : MergedFields.listed(config.getKeysToMerge());
        this.tagsOnFailure = config.getTagsOnFailure();
        this.locator = new SourceObjectLocator(config.getIncludePrefix(), config.getS3ObjectNamePattern(), config.getCodecExtension());
        this.cache = new SourceRecordCache(config.getCacheMaxCount(), config.getCacheTtl(), System::nanoTime);
        final PluginModel codecModel = config.getCodec();
        final PluginSetting codecSetting = new PluginSetting(codecModel.getPluginName(),
                codecModel.getPluginSettings() == null ? new HashMap<>() : codecModel.getPluginSettings());
        final InputCodec codec = pluginFactory.loadPlugin(InputCodec.class, codecSetting);
        this.s3Client = SourceS3Client.create(config.getAws(), awsCredentialsSupplier);
        this.loader = new SourceObjectLoader(s3Client, new BucketOwnerResolver(config.isDisableBucketOwnershipValidation(),
                config.getBucketOwners(), config.getDefaultBucketOwner(), config.getAws())::expectedOwner, codec,
                config.getCompression(), config.getS3ObjectSizeLimitBytes(), config.getSourceCorrelationKey(),
                mergedFields, pluginMetrics);
        this.successCounter = pluginMetrics.counter(NUMBER_OF_RECORDS_ENRICHED_SUCCESS);
        this.failureCounter = pluginMetrics.counter(NUMBER_OF_RECORDS_ENRICHED_FAILED);
        this.withoutMatchCounter = pluginMetrics.counter(RECORDS_WITHOUT_MATCH);
        this.cachedRecords = pluginMetrics.gauge(CACHED_SOURCE_RECORDS, new AtomicLong());
        LOG.info("s3_enrich: joining on '{}' (source records: '{}') with s3://{}/{}, merging {}; cache {} records, ttl {}",
                config.getCorrelationKey(), config.getSourceCorrelationKey(), config.getBucketName(),
                config.getIncludePrefix() == null ? "" : config.getIncludePrefix(), mergedFields,
                config.getCacheMaxCount(), config.getCacheTtl());
    }

    /** What binding cannot check: the condition's syntax and that every key is an event key. */
    private static void checkSettings(final S3EnrichProcessorConfig config, final ExpressionEvaluator evaluator) {
        if (config.getEnrichWhen() != null && !Boolean.TRUE.equals(evaluator.isValidExpressionStatement(config.getEnrichWhen()))) {
            throw new InvalidPluginConfigurationException(
                    "s3_enrich: enrich_when '" + config.getEnrichWhen() + "' is not a valid expression");
        }
        final Event probe = JacksonEvent.builder().withEventType("event").withData(new HashMap<String, Object>()).build();
        final Map<String, String> keys = new LinkedHashMap<>();
        if (config.getS3KeyPath() != null) {
            keys.put(config.getS3KeyPath(), "s3_key_path");
        }
        keys.put(config.getCorrelationKey(), "correlation_keys");
        keys.putIfAbsent(config.getSourceCorrelationKey(), "source_correlation_key");
        for (final String key : config.isMergeAllKeys() ? List.<String>of() : config.getKeysToMerge()) {
            keys.putIfAbsent(key, "keys_to_merge");
        }
        keys.forEach((key, option) -> {
            try {
                probe.get(key, Object.class);
            } catch (final IllegalArgumentException e) {
                throw new InvalidPluginConfigurationException("s3_enrich: " + option + ": '" + key + "' is not a valid event key: " + e.getMessage());
            }
        });
    }

    @Override
    public Collection<Record<Event>> doExecute(final Collection<Record<Event>> records) {
        // A source object that failed to load is not asked for again within the same batch.
        final Map<String, EnrichmentFailure> failedObjects = new HashMap<>();
        final Map<String, FailureSummary> failures = new LinkedHashMap<>();
        for (final Record<Event> record : records) {
            final Event event = record.getData();
            try {
                if (isSelected(event)) {
                    enrich(event, failedObjects);
                    successCounter.increment();
                }
            } catch (final EnrichmentFailure failure) {
                fail(event, failure, failures);
            }
        }
        cachedRecords.set(cache.recordCount());
        failures.values().forEach(FailureSummary::log);
        return records;
    }

    private boolean isSelected(final Event event) throws EnrichmentFailure {
        if (config.getEnrichWhen() == null) {
            return true;
        }
        try {
            return Boolean.TRUE.equals(expressionEvaluator.evaluateConditional(config.getEnrichWhen(), event));
        } catch (final RuntimeException e) {
            throw new EnrichmentFailure(EnrichmentFailure.Reason.CONDITION_ERROR, config.getEnrichWhen(),
                    "enrich_when '" + config.getEnrichWhen() + "' could not be evaluated: " + e.getMessage());
        }
    }

    private void enrich(final Event event, final Map<String, EnrichmentFailure> failedObjects) throws EnrichmentFailure {
        final String outputKey = outputKeyOf(event);
        final String sourceKey = locator.sourceKeyFor(outputKey);
        final String bucket = config.getBucketName();
        final String uri = "s3://" + bucket + "/" + sourceKey;
        // Checked before the source is read: an output line without a value costs no read.
        final Object rawValue = event.get(config.getCorrelationKey(), Object.class);
        final String correlationValue = CorrelationValue.of(rawValue);
        if (correlationValue == null) {
            throw new EnrichmentFailure(EnrichmentFailure.Reason.NO_CORRELATION_VALUE, uri,
                    "no usable value under correlation key '" + config.getCorrelationKey() + "' (a non-blank string or an integer; found "
                            + (rawValue == null ? "none" : rawValue.getClass().getSimpleName()) + ")");
        }
        final EnrichmentFailure failedBefore = failedObjects.get(uri);
        if (failedBefore != null) {
            throw failedBefore;
        }
        final SourceIndex index;
        try {
            index = lookUp(uri, bucket, sourceKey);
        } catch (final EnrichmentFailure e) {
            failedObjects.put(uri, e);
            throw e;
        }
        final Map<String, Object> fields = index.find(correlationValue);
        if (fields == null) {
            throw new EnrichmentFailure(EnrichmentFailure.Reason.NO_MATCH, uri,
                    "no record with " + config.getSourceCorrelationKey() + " '" + correlationValue + "' in " + uri
                            + (index.unreadablePart() == null ? "" : " (part of it could not be read: " + index.unreadablePart() + ")"));
        }
        // A key the source record does not have is left alone, as upstream's merge does.
        if (mergedFields.all()) {
            checkFieldNames(fields, uri, correlationValue);
        }
        fields.forEach(event::put);
    }

    /** A source field whose name is no event key (it holds a '/', or characters keys refuse) fails the event before any merge. */
    private void checkFieldNames(final Map<String, Object> fields, final String uri, final String correlationValue) throws EnrichmentFailure {
        final Event probe = JacksonEvent.builder().withEventType("event").withData(new HashMap<String, Object>()).build();
        for (final String name : fields.keySet()) {
            boolean usable = !name.contains("/");
            if (usable) {
                try {
                    probe.get(name, Object.class);
                } catch (final IllegalArgumentException e) {
                    usable = false;
                }
            }
            if (!usable) {
                throw new EnrichmentFailure(EnrichmentFailure.Reason.FIELD_NOT_MERGEABLE, uri,
                        "the record with " + config.getSourceCorrelationKey() + " '" + correlationValue + "' in " + uri
                                + " has field '" + name + "', which cannot be an event key (merge_all_keys merges top-level fields by name)");
            }
        }
    }

    private SourceIndex lookUp(final String uri, final String bucket, final String key) throws EnrichmentFailure {
        final SourceRecordCache.Lookup lookup = cache.get(uri, () -> loader.load(bucket, key));
        if (lookup.outcome() != SourceRecordCache.Outcome.HIT) {
            final SourceIndex index = lookup.index();
            LOG.info("s3_enrich: read {}: {} record(s){}{}{}", uri, index.size(),
                    index.recordsWithoutCorrelationValue() == 0 ? ""
                            : ", " + index.recordsWithoutCorrelationValue() + " without a value under '" + config.getSourceCorrelationKey() + "' (skipped)",
                    index.repeatedCorrelationValues() == 0 ? ""
                            : ", " + index.repeatedCorrelationValues() + " repeating an earlier record's value (the later one kept)",
                    lookup.outcome() == SourceRecordCache.Outcome.LOADED_NOT_KEPT
                            ? "; more than cache_max_count (" + config.getCacheMaxCount() + "), so not kept: it is read again for every batch that needs it"
                            : "");
            if (index.unreadablePart() != null) {
                LOG.warn("s3_enrich: {} was not read whole, only the {} record(s) read are joined: {}", uri, index.size(),
                        index.unreadablePart());
            }
        }
        return lookup.index();
    }

    private String outputKeyOf(final Event event) throws EnrichmentFailure {
        final Object key = config.getS3KeyPath() != null
                ? event.get(config.getS3KeyPath(), Object.class)
                : event.getMetadata().getAttribute(S3_KEY_METADATA);
        if (!(key instanceof String) || ((String) key).isBlank()) {
            final String where = config.getS3KeyPath() != null ? "s3_key_path '" + config.getS3KeyPath() + "'"
                    : "the event metadata '" + S3_KEY_METADATA + "' (set s3_key_path when the source does not write it)";
            throw new EnrichmentFailure(EnrichmentFailure.Reason.NO_OUTPUT_KEY, where,
                    "no output object key at " + where);
        }
        return (String) key;
    }

    private void fail(final Event event, final EnrichmentFailure failure, final Map<String, FailureSummary> failures) {
        if (!tagsOnFailure.isEmpty()) {
            event.getMetadata().addTags(tagsOnFailure);
        }
        failureCounter.increment();
        if (failure.reason() == EnrichmentFailure.Reason.NO_MATCH) {
            withoutMatchCounter.increment();
        }
        failures.computeIfAbsent(failure.reason() + "|" + failure.subject(), k -> new FailureSummary(failure, tagsOnFailure)).count++;
    }

    /** One WARN per batch for each cause and object, with the first event's message. */
    private static final class FailureSummary {
        private final EnrichmentFailure first;
        private final List<String> tags;
        private int count;

        FailureSummary(final EnrichmentFailure first, final List<String> tags) {
            this.first = first;
            this.tags = tags;
        }

        void log() {
            LOG.warn("s3_enrich: {} event{} not enriched ({}): {}; passed on{}", count, count == 1 ? "" : "s",
                    first.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), first.getMessage(),
                    tags.isEmpty() ? " untagged (no tags_on_failure)" : " tagged " + tags);
        }
    }

    @Override
    public void prepareForShutdown() {
    }

    @Override
    public boolean isReadyForShutdown() {
        return true;
    }

    @Override
    public void shutdown() {
        cache.clear();
        s3Client.close();
    }
}
