package dev.mlbatch.plugins.sink.opensearch;

import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.AbstractSink;
import org.opensearch.dataprepper.model.sink.Sink;
import org.opensearch.dataprepper.model.sink.SinkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code opensearch} sink: turns events into bulk operations (index, create, update, upsert, delete) and sends
 * them in bulk requests of up to {@code bulk_size} MiB, from any number of pipeline workers at once. Documents that
 * OpenSearch accepts are acknowledged positively; the others are retried or dead-lettered (see {@link BulkSender}).
 * A cluster that is not reachable at start-up keeps the sink not-ready, with one log line per attempt, until it is.
 */
@DataPrepperPlugin(name = "opensearch", pluginType = Sink.class, pluginConfigurationType = OpenSearchSinkConfig.class)
public class OpenSearchSink extends AbstractSink<Record<Event>> {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchSink.class);
    static final Duration BACKOFF_BASE = Duration.ofMillis(50);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_RETRY_GRACE = Duration.ofSeconds(30);

    private final OpenSearchSinkConfig config;
    private final String logPrefix;
    private final BulkTargetResolver targetResolver;
    private final List<String> includeKeys;
    private final List<String> excludeKeys;
    private final String tagsTargetKey;
    private final OpenSearchTransport transport;
    private final OpenSearchClient client;
    private final IndexSetup indexSetup;
    private final DeadLetterFile deadLetterFile;
    private final FailedDocumentHandler failedDocumentHandler;
    private final BulkAccumulator accumulator;
    private final BulkSender sender;
    private final ScheduledExecutorService flusher;
    private volatile boolean ready;
    private final AtomicBoolean shutDown = new AtomicBoolean();
    private volatile long shutdownDeadlineNanos = Long.MAX_VALUE;
    private int initializeAttempts;

    @DataPrepperPluginConstructor
    public OpenSearchSink(final PluginSetting pluginSetting, final OpenSearchSinkConfig config, final SinkContext sinkContext,
                          final ExpressionEvaluator expressionEvaluator, final AwsCredentialsSupplier awsCredentialsSupplier) {
        super(pluginSetting);
        this.config = config;
        this.logPrefix = "opensearch sink (pipeline " + pluginSetting.getPipelineName() + ")";
        checkFormats(config, expressionEvaluator);
        final TemplateDefinition template;
        // Everything that can fail on bad configuration comes before the transport, which holds connections.
        this.deadLetterFile = openDeadLetterFile(config, pluginSetting);
        try {
            template = TemplateDefinition.load(config);
            this.targetResolver = new BulkTargetResolver(config, expressionEvaluator, Clock.systemUTC());
            TlsTrust.trustManagers(config);
            this.transport = OpenSearchTransportFactory.create(config, awsCredentialsSupplier);
        } catch (final IllegalArgumentException e) {
            closeDeadLetterFile();
            throw new InvalidPluginConfigurationException("opensearch sink: " + e.getMessage(), e);
        }
        this.client = new OpenSearchClient(transport);
        this.indexSetup = new IndexSetup(new OpenSearchGenericClient(transport), config, template, logPrefix);
        this.includeKeys = sinkContext == null ? List.of() : List.copyOf(sinkContext.getIncludeKeys());
        this.excludeKeys = sinkContext == null ? List.of() : List.copyOf(sinkContext.getExcludeKeys());
        this.tagsTargetKey = sinkContext == null ? null : sinkContext.getTagsTargetKey();
        final SinkMetrics metrics = new SinkMetrics(pluginMetrics);
        this.failedDocumentHandler = new FailedDocumentHandler(deadLetterFile, metrics, logPrefix);
        this.accumulator = new BulkAccumulator(config.getBulkSizeBytes(), System::nanoTime);
        this.sender = new BulkSender(client, config.getMaxRetries(),
                BackoffStrategy.exponentialDelayHalfJitter(BACKOFF_BASE, BACKOFF_MAX), failedDocumentHandler, metrics,
                this::sleepUnlessShutDown, logPrefix);
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "opensearch-sink-flush-" + pluginSetting.getPipelineName());
            thread.setDaemon(true);
            return thread;
        });
    }

    private static void checkFormats(final OpenSearchSinkConfig config, final ExpressionEvaluator evaluator) {
        final List<String[]> formats = List.of(new String[]{"index", config.getIndex()},
                new String[]{"document_id", config.getDocumentId()}, new String[]{"routing", config.getRouting()},
                new String[]{"action", config.getAction()});
        for (final String[] format : formats) {
            if (format[1] != null && format[1].contains("${") && evaluator != null
                    && !Boolean.TRUE.equals(evaluator.isValidFormatExpression(format[1]))) {
                throw new InvalidPluginConfigurationException("opensearch sink: " + format[0] + " '" + format[1]
                        + "' is not a valid format (use ${/json/pointer} or ${expression})");
            }
        }
    }

    private static DeadLetterFile openDeadLetterFile(final OpenSearchSinkConfig config, final PluginSetting setting) {
        if (config.getDlqFile() == null) {
            return null;
        }
        try {
            return new DeadLetterFile(Path.of(config.getDlqFile()), setting.getPipelineName(), setting.getName());
        } catch (final IOException e) {
            throw new InvalidPluginConfigurationException("opensearch sink: dlq_file '" + config.getDlqFile()
                    + "' cannot be opened for appending: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void doInitialize() {
        if (ready) {
            return;
        }
        final int attempt = ++initializeAttempts;
        try {
            if (!config.isServerless()) {
                client.info();
            }
            indexSetup.run();
        } catch (final InvalidPluginConfigurationException e) {
            throw e;
        } catch (final IOException | RuntimeException e) {
            LOG.warn("{}: OpenSearch at {} is not ready (attempt {}): {}; retrying", logPrefix, config.getHosts(), attempt,
                    FailureStatus.describe(e));
            return;
        }
        if (config.getFlushTimeout() > 0) {
            final long period = Math.max(10, Math.min(1000, config.getFlushTimeout() / 2));
            flusher.scheduleWithFixedDelay(this::flushTimedOut, period, period, TimeUnit.MILLISECONDS);
        }
        ready = true;
        LOG.info("{}: connected to {} after {} attempt(s); writing to index '{}'", logPrefix, config.getHosts(), attempt,
                config.getIndex());
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public void doOutput(final Collection<Record<Event>> records) {
        final List<FailedDocument> unresolvable = new ArrayList<>();
        for (final Record<Event> record : records) {
            final Event event = record.getData();
            final PendingDocument document;
            try {
                document = toPendingDocument(event);
            } catch (final DocumentRejectedException e) {
                final BulkTarget unknown = new BulkTarget(config.getIndex(), null, null, BulkAction.INDEX);
                unresolvable.add(new FailedDocument(new PendingDocument(unknown, null, safeJson(event), 0,
                        event.getEventHandle()), 0, e.getMessage()));
                continue;
            }
            if (document.estimatedBytes() > config.getBulkSizeBytes()) {
                LOG.warn("{}: a document of about {} bytes (index {}, id {}) is larger than bulk_size {} MiB; "
                                + "sending it in a bulk request of its own", logPrefix, document.estimatedBytes(),
                        document.target().index(), document.target().documentId(), config.getBulkSize());
            }
            for (final BulkBatch full : accumulator.add(document)) {
                sender.send(full);
            }
        }
        failedDocumentHandler.handle(unresolvable);
        if (config.getFlushTimeout() == -1) {
            final BulkBatch rest = accumulator.takeAll();
            if (rest != null) {
                sender.send(rest);
            }
        }
    }

    private PendingDocument toPendingDocument(final Event event) {
        final BulkTarget target = targetResolver.resolve(event);
        final String json = target.action() == BulkAction.DELETE ? null : toJson(event);
        final RawJsonDocument document = json == null ? null : new RawJsonDocument(json);
        return new PendingDocument(target, BulkOperationFactory.create(target, document), json,
                PendingDocument.estimateBytes(target, json), event.getEventHandle());
    }

    /**
     * The document as the sink entry asks for it. Without include/exclude keys or a tags key the builder returns
     * {@code event.toJsonString()} as is, so the common case costs no more than before.
     */
    private String toJson(final Event event) {
        return event.jsonBuilder().includeKeys(includeKeys).excludeKeys(excludeKeys).includeTags(tagsTargetKey).toJsonString();
    }

    private static String safeJson(final Event event) {
        try {
            return event.toJsonString();
        } catch (final RuntimeException e) {
            return null;
        }
    }

    private void flushTimedOut() {
        try {
            final BulkBatch batch = accumulator.takeIfOlderThan(TimeUnit.MILLISECONDS.toNanos(config.getFlushTimeout()));
            if (batch != null) {
                sender.send(batch);
            }
        } catch (final RuntimeException e) {
            // Keep the flusher alive: one failed flush must not stop later ones.
            LOG.error("{}: flushing pending documents failed: {}", logPrefix, e.toString());
        }
    }

    /** Backoff sleep; once shutdown has waited SHUTDOWN_RETRY_GRACE for retries, tells the sender to stop. */
    private boolean sleepUnlessShutDown(final Duration delay) throws InterruptedException {
        final long remaining = shutdownDeadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return false;
        }
        TimeUnit.NANOSECONDS.sleep(Math.min(delay.toNanos(), remaining));
        return true;
    }

    @Override
    public void shutdown() {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        super.shutdown();
        shutdownDeadlineNanos = System.nanoTime() + SHUTDOWN_RETRY_GRACE.toNanos();
        flusher.shutdown();
        try {
            flusher.awaitTermination(SHUTDOWN_RETRY_GRACE.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        final BulkBatch rest = accumulator.takeAll();
        if (rest != null) {
            if (ready) {
                sender.send(rest);
            } else {
                failedDocumentHandler.handle(rest.documents().stream()
                        .map(d -> new FailedDocument(d, 0, "sink shut down before OpenSearch became reachable")).toList());
            }
        }
        try {
            transport.close();
        } catch (final IOException e) {
            LOG.debug("{}: closing the transport: {}", logPrefix, e.toString());
        }
        closeDeadLetterFile();
    }

    private void closeDeadLetterFile() {
        if (deadLetterFile != null) {
            try {
                deadLetterFile.close();
            } catch (final IOException e) {
                LOG.warn("{}: closing dlq_file: {}", logPrefix, e.toString());
            }
        }
    }
}
