package dev.mlbatch.plugins.sink.s3;

import dev.mlbatch.plugins.common.aws.S3ClientFactory;
import dev.mlbatch.plugins.common.aws.S3ClientOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventHandle;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.AbstractSink;
import org.opensearch.dataprepper.model.sink.Sink;
import org.opensearch.dataprepper.model.sink.SinkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code s3} sink: collects events from any number of pipeline workers into one object buffer, and writes the
 * buffer as a whole object when {@code threshold} says so (event count, size, or age). Events are acknowledged
 * positively only after the object exists, negatively when it could not be written.
 */
@DataPrepperPlugin(name = "s3", pluginType = Sink.class, pluginConfigurationType = S3SinkConfig.class)
public class S3Sink extends AbstractSink<Record<Event>> {
    private static final Logger LOG = LoggerFactory.getLogger(S3Sink.class);
    private static final Duration BACKOFF_BASE = Duration.ofMillis(200);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(20);

    private final S3SinkConfig config;
    private final OutputFormat format;
    private final List<String> includeKeys;
    private final List<String> excludeKeys;
    private final String tagsTargetKey;
    private final ObjectKeyGenerator keys;
    private final S3Client s3;
    private final S3ObjectUploader uploader;
    private final S3SinkMetrics metrics;
    private final ScheduledExecutorService timer;
    private final Object lock = new Object();
    private final long maxBytes;
    private final int maxEvents;
    private final long timeoutNanos;
    private final boolean nameFromSource;
    private ObjectBuffer buffer;
    /** name_from_source: one open object per source object, in the order their first events came. */
    private final Map<SourceObject, SourceBuffer> sourceBuffers = new LinkedHashMap<>();
    private volatile boolean ready;
    private final AtomicBoolean shutDown = new AtomicBoolean();

    @DataPrepperPluginConstructor
    public S3Sink(final PluginSetting pluginSetting, final S3SinkConfig config, final SinkContext sinkContext,
                  final AwsCredentialsSupplier awsCredentialsSupplier) {
        this(pluginSetting, config, sinkContext, awsCredentialsSupplier, S3ClientFactory.fromProcess());
    }

    S3Sink(final PluginSetting pluginSetting, final S3SinkConfig config, final SinkContext sinkContext,
           final AwsCredentialsSupplier awsCredentialsSupplier, final S3ClientFactory s3Clients) {
        super(pluginSetting);
        this.config = config;
        this.includeKeys = sinkContext == null ? List.of() : List.copyOf(sinkContext.getIncludeKeys());
        this.excludeKeys = sinkContext == null ? List.of() : List.copyOf(sinkContext.getExcludeKeys());
        this.tagsTargetKey = sinkContext == null ? null : sinkContext.getTagsTargetKey();
        try {
            this.format = OutputFormats.fromCodec(config.getCodec());
            this.keys = new ObjectKeyGenerator(config.getObjectKey().getPathPrefix(), format.extension(),
                    config.getCompression(), Clock.systemUTC());
        } catch (final IllegalArgumentException e) {
            throw new InvalidPluginConfigurationException("s3 sink: " + e.getMessage(), e);
        }
        if (awsCredentialsSupplier == null) {
            throw new IllegalStateException("the s3 sink needs the runtime's AwsCredentialsSupplier, which was not provided");
        }
        // The SDK's HTTP defaults; no cross-region redirects (the sink writes to the bucket in aws.region).
        this.s3 = s3Clients.create(config.getAws(), awsCredentialsSupplier, S3ClientOptions.defaults());
        this.uploader = new S3ObjectUploader(s3, config.getBucket(), config.getMaxRetries(),
                BackoffStrategy.exponentialDelayHalfJitter(BACKOFF_BASE, BACKOFF_MAX),
                S3ObjectUploader.DEFAULT_MULTIPART_THRESHOLD, S3ObjectUploader.DEFAULT_PART_SIZE,
                d -> TimeUnit.MILLISECONDS.sleep(d.toMillis()));
        this.metrics = new S3SinkMetrics(pluginMetrics);
        this.maxBytes = config.getThreshold().getMaximumSize().getBytes();
        this.maxEvents = config.getThreshold().getEventCount();
        this.timeoutNanos = config.getThreshold().getEventCollectTimeout().toNanos();
        this.nameFromSource = config.getObjectKey().isNameFromSource();
        this.buffer = newBuffer();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "s3-sink-flush-" + pluginSetting.getPipelineName());
            thread.setDaemon(true);
            return thread;
        });
        s3Clients.endpointOverride().ifPresent(endpoint ->
                LOG.info("s3 sink: S3 endpoint overridden to {} (path-style addressing)", endpoint));
    }

    /**
     * The open object of one source object: its records in arrival order, named after its first record. It is cut at
     * {@code event_count} / {@code maximum_size} like any object, so the same source records always give the same
     * objects, and written as a partial object only once its source has sent nothing for {@code event_collect_timeout}
     * (or at shutdown), i.e. when the source object has been read to its end.
     */
    private static final class SourceBuffer {
        final SourceObject source;
        final ObjectBuffer buffer;
        final long firstOrdinal;
        long lastEventNanos;

        SourceBuffer(final SourceObject source, final ObjectBuffer buffer, final long firstOrdinal) {
            this.source = source;
            this.buffer = buffer;
            this.firstOrdinal = firstOrdinal;
        }
    }

    /** An object ready to be written, with its key. */
    private static final class Finished {
        final ObjectBuffer buffer;
        final String key;

        Finished(final ObjectBuffer buffer, final String key) {
            this.buffer = buffer;
            this.key = key;
        }
    }

    private ObjectBuffer newBuffer() {
        return new ObjectBuffer(format, this::toJson, config.getCompression());
    }

    /** The event as the sink entry asks for it: {@code include_keys} / {@code exclude_keys}, tags under {@code tags_target_key}. */
    private String toJson(final Event event) {
        return event.jsonBuilder().includeKeys(includeKeys).excludeKeys(excludeKeys).includeTags(tagsTargetKey).toJsonString();
    }

    @Override
    public synchronized void doInitialize() {
        if (ready) {
            return;
        }
        final long period = Math.max(10, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 2));
        timer.scheduleWithFixedDelay(this::flushIfTimedOut, period, period, TimeUnit.MILLISECONDS);
        ready = true;
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public void doOutput(final Collection<Record<Event>> records) {
        final List<Finished> full = new ArrayList<>(1);
        synchronized (lock) {
            for (final Record<Event> record : records) {
                final Event event = record.getData();
                final SourceObject source = nameFromSource ? SourceObject.of(event) : null;
                final long now = System.nanoTime();
                if (source != null) {
                    addFromSource(event, source, now, full);
                    continue;
                }
                buffer.add(event, now);
                if (isFull(buffer)) {
                    full.add(new Finished(buffer, null));
                    buffer = newBuffer();
                }
            }
        }
        // Upload outside the lock so other workers keep filling the next object meanwhile.
        full.forEach(this::write);
    }

    private boolean isFull(final ObjectBuffer object) {
        return object.eventCount() >= maxEvents || object.encodedBytes() >= maxBytes;
    }

    private void addFromSource(final Event event, final SourceObject source, final long now, final List<Finished> full) {
        SourceBuffer open = sourceBuffers.get(source);
        if (open == null) {
            open = new SourceBuffer(source, newBuffer(), SourceObject.ordinal(event));
            sourceBuffers.put(source, open);
        }
        open.buffer.add(event, now);
        open.lastEventNanos = now;
        if (isFull(open.buffer)) {
            sourceBuffers.remove(source);
            full.add(finished(open));
        }
    }

    private Finished finished(final SourceBuffer open) {
        return new Finished(open.buffer, keys.sourceKey(open.source, open.firstOrdinal));
    }

    private void flushIfTimedOut() {
        try {
            final List<Finished> due = new ArrayList<>(1);
            synchronized (lock) {
                final long now = System.nanoTime();
                if (buffer.eventCount() > 0 && now - buffer.firstEventNanos() >= timeoutNanos) {
                    due.add(new Finished(buffer, null));
                    buffer = newBuffer();
                }
                // A source object's last object waits until the source has been quiet for the whole timeout, so
                // a slow read is not cut at a point that a re-run would not cut at.
                final var open = sourceBuffers.values().iterator();
                while (open.hasNext()) {
                    final SourceBuffer source = open.next();
                    if (now - source.lastEventNanos >= timeoutNanos) {
                        open.remove();
                        due.add(finished(source));
                    }
                }
            }
            due.forEach(this::write);
        } catch (final RuntimeException e) {
            // Keep the timer alive: one failed write must not stop later ones.
            LOG.error("s3 sink: timed flush failed: {}", e.toString());
        }
    }

    private void write(final Finished finished) {
        final ObjectBuffer object = finished.buffer;
        final String key = finished.key != null ? finished.key : keys.nextKey();
        final byte[] content = object.finish();
        final long start = System.nanoTime();
        try {
            uploader.upload(key, content, format.contentType());
        } catch (final S3UploadException e) {
            metrics.objectsFailed.increment();
            metrics.objectsEventsFailed.increment(object.eventCount());
            LOG.error("s3 sink: {}; {} events acknowledged negatively", e.getMessage(), object.eventCount());
            object.handles().forEach(h -> release(h, false));
            return;
        } finally {
            metrics.requestLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        metrics.objectsSucceeded.increment();
        metrics.objectsEventsSucceeded.increment(object.eventCount());
        metrics.objectSizeBytes.record(content.length);
        LOG.debug("s3 sink: wrote s3://{}/{} ({} events, {} bytes)", config.getBucket(), key, object.eventCount(), content.length);
        object.handles().forEach(h -> release(h, true));
    }

    private static void release(final EventHandle handle, final boolean result) {
        if (handle != null) {
            handle.release(result);
        }
    }

    @Override
    public void shutdown() {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        super.shutdown();
        timer.shutdown();
        try {
            timer.awaitTermination(60, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        final List<Finished> rest = new ArrayList<>();
        synchronized (lock) {
            if (buffer.eventCount() > 0) {
                rest.add(new Finished(buffer, null));
            }
            buffer = newBuffer();
            sourceBuffers.values().forEach(open -> rest.add(finished(open)));
            sourceBuffers.clear();
        }
        rest.forEach(this::write);
        s3.close();
    }
}
