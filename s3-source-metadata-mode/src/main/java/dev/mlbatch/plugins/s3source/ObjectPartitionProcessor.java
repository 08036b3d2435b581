package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.s3source.config.DataSelection;
import dev.mlbatch.plugins.s3source.config.ProcessingCondition;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSet;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSetManager;
import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.source.coordinator.SourcePartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads one object partition and decides its fate: emitted events go to the buffer (and, with acknowledgements,
 * into one acknowledgement set per object); the partition is completed only when the object was read to the end
 * (and acknowledged), retried with backoff after a transient failure or a negative acknowledgement, parked after a
 * permanent one. The object is deleted only after a positive acknowledgement, when asked to.
 */
public class ObjectPartitionProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectPartitionProcessor.class);
    static final int MAX_READ_ATTEMPTS = 5;
    /** How often a long read renews its lease and pushes back its acknowledgement expiry. */
    static final Duration LONG_READ_RENEWAL = Duration.ofMinutes(2);

    /** Settings of the source that shape how one object is read. */
    public static final class Settings {
        final boolean acknowledgments;
        final Duration acknowledgmentTimeout;
        final boolean deleteOnRead;
        final int recordsToAccumulate;
        final Duration bufferTimeout;

        public Settings(final boolean acknowledgments, final Duration acknowledgmentTimeout, final boolean deleteOnRead,
                        final int recordsToAccumulate, final Duration bufferTimeout) {
            this.acknowledgments = acknowledgments;
            this.acknowledgmentTimeout = acknowledgmentTimeout;
            this.deleteOnRead = deleteOnRead;
            this.recordsToAccumulate = recordsToAccumulate;
            this.bufferTimeout = bufferTimeout;
        }
    }

    private final Settings settings;
    private final S3Client s3Client;
    private final ScanTargets scanTargets;
    private final Function<String, ScanTarget> fallbackTargetForBucket;
    private final ObjectContentReader contentReader;
    private final ObjectEventFactory eventFactory;
    private final AcknowledgementSetManager acknowledgementSetManager;
    private final PartitionSettler settler;
    private final S3ScanMetrics metrics;
    private final Buffer<Record<Event>> buffer;
    private final BooleanSupplier abortRequested;
    private final Clock clock;
    private final ProcessingConditionEvaluator conditionEvaluator;

    public ObjectPartitionProcessor(final Settings settings, final S3Client s3Client, final ScanTargets scanTargets,
                                    final Function<String, ScanTarget> fallbackTargetForBucket, final ObjectContentReader contentReader,
                                    final ObjectEventFactory eventFactory, final AcknowledgementSetManager acknowledgementSetManager,
                                    final PartitionSettler settler, final S3ScanMetrics metrics,
                                    final Buffer<Record<Event>> buffer, final BooleanSupplier abortRequested, final Clock clock,
                                    final ProcessingConditionEvaluator conditionEvaluator) {
        this.conditionEvaluator = conditionEvaluator;
        this.settings = settings;
        this.s3Client = s3Client;
        this.scanTargets = scanTargets;
        this.fallbackTargetForBucket = fallbackTargetForBucket;
        this.contentReader = contentReader;
        this.eventFactory = eventFactory;
        this.acknowledgementSetManager = acknowledgementSetManager;
        this.settler = settler;
        this.metrics = metrics;
        this.buffer = buffer;
        this.abortRequested = abortRequested;
        this.clock = clock;
    }

    /** Processes the partition; on return it has been completed, handed to the acknowledgement, retried, parked or released. */
    public void process(final SourcePartition<S3ObjectProgressState> partition, final InputCodec codec) {
        final String partitionKey = partition.getPartitionKey();
        final S3ObjectReference object;
        try {
            object = S3ObjectReference.fromPartitionKey(partitionKey);
        } catch (final IllegalArgumentException e) {
            metrics.objectsFailed.increment();
            LOG.error("s3 source: {}; it was not created by this source and is left closed, not completed", e.getMessage());
            settler.park(partitionKey, PartitionSettler.PARK_BAD_CONTENT, false);
            return;
        }
        final int previousAttempts = partition.getPartitionState().map(S3ObjectProgressState::getAttempts).orElse(0);
        final int conditionChecks = partition.getPartitionState().map(S3ObjectProgressState::getConditionChecks).orElse(0);
        final S3ObjectProgressState state = new S3ObjectProgressState(object.getEtag(), object.getSize(),
                object.getLastModified().toEpochMilli(), previousAttempts + 1, conditionChecks);
        final ScanTarget target = scanTargets.resolve(object.getBucket(), object.getKey()).orElseGet(() -> {
            final ScanTarget fallback = fallbackTargetForBucket.apply(object.getBucket());
            LOG.warn("{} is not covered by any scan.buckets entry now (configuration changed?); reading it as {}",
                    object.describe(), fallback.getDataSelection().getOptionValue());
            return fallback;
        });
        if (!target.getProcessingConditions().isEmpty() && conditionEvaluator != null
                && mustWaitForCondition(partitionKey, object, target, state)) {
            return;
        }

        final ObjectAcknowledgement acknowledgement = settings.acknowledgments ? new ObjectAcknowledgement(partitionKey, object, state, target) : null;
        final ObjectEmitter emitter = new ObjectEmitter(partitionKey, acknowledgement == null ? null : acknowledgement.set);
        final InvalidUtf8Tally invalidUtf8 = new InvalidUtf8Tally();
        final Instant started = clock.instant();
        long bytesRead = 0;
        try {
            if (target.getDataSelection() == DataSelection.METADATA_ONLY) {
                emitter.emit(eventFactory.metadataEvent(object));
            } else {
                final boolean addMetadata = target.getDataSelection() == DataSelection.DATA_AND_METADATA;
                bytesRead = contentReader.read(object, target.getExpectedBucketOwner(), codec, event -> {
                    if (addMetadata) {
                        eventFactory.addObjectMetadata(event, object);
                    }
                    eventFactory.setOriginationTime(event, object);
                    eventFactory.addSourceAttributes(event, object, emitter.events);
                    invalidUtf8.check(event);
                    emitter.emit(event);
                });
            }
            emitter.writer.flush();
        } catch (final BufferBatchWriter.ReadAbortedException e) {
            cancel(acknowledgement);
            LOG.warn("Stopped while reading {} ({} events sent); it is released and will be read again by the next run",
                    object.describe(), emitter.events);
            settler.release(partitionKey);
            return;
        } catch (final Exception e) {
            final Optional<MalformedRecordsReport> malformed = MalformedRecordsReport.from(e);
            malformed.ifPresent(report -> logMalformedRecords(object, report));
            if (malformed.isEmpty() || !malformed.get().isInputFullyRead()) {
                cancel(acknowledgement);
                handleReadFailure(partitionKey, object, state, ObjectReadFailure.classify(e), emitter.events);
                return;
            }
            // The codec skipped the bad records and delivered every good one: the object was read to its end.
            try {
                emitter.writer.flush();
            } catch (final BufferBatchWriter.ReadAbortedException aborted) {
                cancel(acknowledgement);
                settler.release(partitionKey);
                return;
            }
        }

        invalidUtf8.report(object);
        final Duration elapsed = Duration.between(started, clock.instant());
        metrics.objectReadTimeElapsed.record(elapsed);
        metrics.objectSizeBytes.record(object.getSize());
        metrics.objectProcessedBytes.record(bytesRead);
        metrics.objectEvents.record(emitter.events);
        metrics.objectsSucceeded.increment();
        if (object.getSize() == 0) {
            metrics.objectsEmpty.increment();
        }
        if (emitter.events == 0) {
            metrics.objectNoRecordsFound.increment();
            LOG.info("{} held no records ({} bytes); completed", object.describe(), object.getSize());
        }

        if (acknowledgement == null) {
            settler.complete(partitionKey, false);
        } else if (emitter.events == 0) {
            // Nothing downstream can acknowledge; the object was read to its end.
            acknowledgement.set.cancel();
            acknowledgement.onAcknowledged(true);
        } else {
            try {
                settler.waitForAcknowledgment(partitionKey, settings.acknowledgmentTimeout);
            } catch (final RuntimeException e) {
                LOG.warn("Could not extend the lease of {} for the acknowledgement wait: {}", partitionKey, e.getMessage());
            }
            acknowledgement.set.complete();
        }
    }

    /**
     * Checks the entry's processing conditions. When one is not met the partition is closed until its
     * {@code retry_delay} has passed (this check is not a read attempt) and true is returned, unless
     * {@code process_after_max_retry} is set and {@code max_retry} retries have already failed: then the object is
     * read as it is, as upstream does.
     */
    private boolean mustWaitForCondition(final String partitionKey, final S3ObjectReference object, final ScanTarget target,
                                         final S3ObjectProgressState state) {
        final Optional<ProcessingConditionEvaluator.Unmet> unmet = conditionEvaluator.firstUnmet(object.getBucket(), object.getKey(),
                target.getExpectedBucketOwner(), target.getProcessingConditions());
        if (unmet.isEmpty()) {
            return false;
        }
        final ProcessingCondition condition = unmet.get().getCondition();
        final String reason = unmet.get().getReason();
        final int checks = state.getConditionChecks() + 1;
        final int retriesDone = checks - 1;
        if (unmet.get().isError()) {
            metrics.conditionErrors.increment();
        }
        if (condition.isProcessAfterMaxRetry() && retriesDone >= condition.getMaxRetry()) {
            metrics.objectsReadWithUnmetCondition.increment();
            LOG.warn("{}: {} after {} retries (max_retry {}); reading the object as it is, because process_after_max_retry is true",
                    object.describe(), reason, retriesDone, condition.getMaxRetry());
            return false;
        }
        metrics.objectsWaitingForCondition.increment();
        final int attemptsSoFar = state.getAttempts() - 1;
        final S3ObjectProgressState waiting = new S3ObjectProgressState(state.getEtag(), state.getSize(),
                state.getLastModifiedEpochMillis(), attemptsSoFar, checks);
        if (!condition.isProcessAfterMaxRetry() && (condition.getMaxRetry() == 0 || checks % condition.getMaxRetry() == 0)) {
            metrics.conditionMaxRetryReached.increment();
            LOG.warn("{} is still not read after {} checks of its processing condition on {} (max_retry {}, retry_delay {}): {}; "
                            + "it keeps waiting (process_after_max_retry: true would read it as it is)",
                    object.describe(), checks, unmet.get().getSentinel(), condition.getMaxRetry(), condition.getRetryDelay(), reason);
        } else if (unmet.get().isError()) {
            LOG.warn("{} not read yet: {}; it counts as not met, checking again in {} (check {})",
                    object.describe(), reason, condition.getRetryDelay(), checks);
        } else {
            LOG.info("{} not read yet: {}; checking again in {} (check {})", object.describe(), reason, condition.getRetryDelay(), checks);
        }
        settler.waitForCondition(partitionKey, waiting, condition.getRetryDelay());
        return true;
    }

    /** One log line per malformed record the codec kept, each naming bucket, key and line. */
    private void logMalformedRecords(final S3ObjectReference object, final MalformedRecordsReport report) {
        metrics.malformedRecords.increment(report.getMalformedRecordCount());
        for (final Object record : report.getMalformedRecords()) {
            LOG.warn("Malformed record in {} at {}; skipped", object.describe(), record);
        }
        final long unlisted = report.getMalformedRecordCount() - report.getMalformedRecords().size();
        if (unlisted > 0) {
            LOG.warn("{} more malformed records in {} were skipped", unlisted, object.describe());
        }
    }

    /**
     * Records whose bytes were not valid UTF-8, as the codecs of module standard-plugins mark them (tag
     * {@value #INVALID_UTF8_TAG}, attribute {@value #INVALID_UTF8_LINE} = first affected line): counted, and reported
     * in one line per object. The records themselves go on, with U+FFFD in place of the bad bytes.
     */
    static final String INVALID_UTF8_TAG = "invalid_utf8";
    static final String INVALID_UTF8_LINE = "invalid_utf8_line";
    private static final int INVALID_UTF8_LINES_LOGGED = 10;

    private final class InvalidUtf8Tally {
        private long records;
        private final List<Object> firstLines = new ArrayList<>();

        void check(final Event event) {
            if (!event.getMetadata().getTags().contains(INVALID_UTF8_TAG)) {
                return;
            }
            records++;
            if (firstLines.size() < INVALID_UTF8_LINES_LOGGED) {
                final Object line = event.getMetadata().getAttribute(INVALID_UTF8_LINE);
                // A codec that does not know lines: name the record by its ordinal instead.
                firstLines.add(line != null ? line
                        : "? (record " + event.getMetadata().getAttribute(ObjectEventFactory.METADATA_RECORD_ORDINAL) + ")");
            }
        }

        void report(final S3ObjectReference object) {
            if (records == 0) {
                return;
            }
            metrics.invalidUtf8Records.increment(records);
            metrics.objectsWithInvalidUtf8.increment();
            LOG.warn("{}: {} {} bytes that are not valid UTF-8 (lines {}{}); they were replaced by U+FFFD and the "
                            + "records passed on, tagged {}", object.describe(), records, records == 1 ? "record held" : "records held",
                    firstLines.stream().map(String::valueOf).collect(Collectors.joining(", ")),
                    records > firstLines.size() ? ", ..." : "", INVALID_UTF8_TAG);
        }
    }

    private static void cancel(final ObjectAcknowledgement acknowledgement) {
        if (acknowledgement != null) {
            acknowledgement.settled.set(true);
            acknowledgement.set.cancel();
        }
    }

    private void handleReadFailure(final String partitionKey, final S3ObjectReference object, final S3ObjectProgressState state,
                                   final ObjectReadFailure failure, final long eventsSent) {
        final String sent = eventsSent == 0 ? "" : " (" + eventsSent + " events were sent before the failure)";
        switch (failure.getKind()) {
            case VANISHED:
                metrics.objectsNotFound.increment();
                LOG.warn("{} was deleted between listing and read: {}; nothing left to read, partition completed{}",
                        object.describe(), failure.getReason(), sent);
                settler.complete(partitionKey, false);
                return;
            case CHANGED:
                metrics.objectsChangedBeforeRead.increment();
                LOG.warn("{} changed between listing and read (listed ETag {}): {}; the new version is read as a new object " +
                        "by the next scan, this version's partition is completed{}", object.describe(), object.getEtag(), failure.getReason(), sent);
                settler.complete(partitionKey, false);
                return;
            case BAD_CONTENT:
                metrics.objectsFailed.increment();
                LOG.error("Cannot decode {}: {}; the object is NOT completed (its partition is closed: this version's " +
                        "bytes cannot change, a corrected upload is read as a new object){}", object.describe(), failure.getReason(), sent);
                settler.park(partitionKey, PartitionSettler.PARK_BAD_CONTENT, false);
                return;
            default:
                if (failure.getKind() == ObjectReadFailure.Kind.ACCESS_DENIED) {
                    metrics.objectsAccessDenied.increment();
                } else if (failure.getKind() == ObjectReadFailure.Kind.THROTTLED) {
                    metrics.objectsThrottled.increment();
                }
                retryOrPark(partitionKey, object, state, "read failed: " + failure.getReason() + sent, false);
        }
    }

    private void retryOrPark(final String partitionKey, final S3ObjectReference object, final S3ObjectProgressState state,
                             final String why, final boolean fromAcknowledgment) {
        if (state.getAttempts() >= MAX_READ_ATTEMPTS) {
            metrics.objectsFailed.increment();
            LOG.error("{}: {} on attempt {} of {}; the object is NOT completed (partition closed, tried again in {})",
                    object.describe(), why, state.getAttempts(), MAX_READ_ATTEMPTS, PartitionSettler.PARK_AFTER_RETRIES);
            settler.park(partitionKey, PartitionSettler.PARK_AFTER_RETRIES, fromAcknowledgment);
            return;
        }
        final Duration delay = settler.retryLater(partitionKey, state);
        LOG.warn("{}: {} on attempt {} of {}; retrying in {}", object.describe(), why, state.getAttempts(), MAX_READ_ATTEMPTS, delay);
    }

    /** Emits one object's events through the buffer, renewing the partition lease during long reads. */
    private final class ObjectEmitter {
        private final String partitionKey;
        private final AcknowledgementSet acknowledgementSet;
        private final BufferBatchWriter writer;
        private long events = 0;
        private Instant lastRenewal;

        ObjectEmitter(final String partitionKey, final AcknowledgementSet acknowledgementSet) {
            this.partitionKey = partitionKey;
            this.acknowledgementSet = acknowledgementSet;
            this.writer = new BufferBatchWriter(buffer, settings.recordsToAccumulate, settings.bufferTimeout, abortRequested);
            this.lastRenewal = clock.instant();
        }

        void emit(final Event event) {
            if (abortRequested.getAsBoolean()) {
                throw new BufferBatchWriter.ReadAbortedException("source is stopping");
            }
            if (acknowledgementSet != null) {
                acknowledgementSet.add(event);
            }
            writer.add(new Record<>(event));
            events++;
            if ((events & 0x3FFF) == 0) {
                renewIfDue();
            }
        }

        private void renewIfDue() {
            final Instant now = clock.instant();
            final Duration sinceRenewal = Duration.between(lastRenewal, now);
            if (sinceRenewal.compareTo(LONG_READ_RENEWAL) >= 0) {
                settler.renewOwnership(partitionKey);
                if (acknowledgementSet != null) {
                    acknowledgementSet.increaseExpiry(sinceRenewal);
                }
                lastRenewal = now;
            }
        }
    }

    /** One acknowledgement set per object, and what its result does to the object's partition. */
    private final class ObjectAcknowledgement {
        private final String partitionKey;
        private final S3ObjectReference object;
        private final S3ObjectProgressState state;
        private final ScanTarget target;
        private final AcknowledgementSet set;
        /** Set once the partition's fate is decided, so a late callback cannot decide it again. */
        private final AtomicBoolean settled = new AtomicBoolean(false);

        ObjectAcknowledgement(final String partitionKey, final S3ObjectReference object, final S3ObjectProgressState state,
                              final ScanTarget target) {
            this.partitionKey = partitionKey;
            this.object = object;
            this.state = state;
            this.target = target;
            // invokeCallbackOnExpiry: an expired set counts as negative, so the object is retried with backoff.
            this.set = acknowledgementSetManager.create(this::onAcknowledged, settings.acknowledgmentTimeout, true);
        }

        void onAcknowledged(final Boolean result) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            metrics.acknowledgementSetCallbacks.increment();
            if (Boolean.TRUE.equals(result)) {
                // Delete before completing: if the node dies in between, the re-read finds the object gone (404)
                // and completes it without sending anything again.
                if (settings.deleteOnRead) {
                    delete();
                }
                settler.complete(partitionKey, true);
            } else {
                retryOrPark(partitionKey, object, state, "negatively acknowledged (or not acknowledged within "
                        + settings.acknowledgmentTimeout + ")", true);
            }
        }

        private void delete() {
            final DeleteObjectRequest.Builder request = DeleteObjectRequest.builder().bucket(object.getBucket()).key(object.getKey());
            final Optional<String> owner = target.getExpectedBucketOwner();
            owner.ifPresent(request::expectedBucketOwner);
            try {
                s3Client.deleteObject(request.build());
                metrics.objectsDeleted.increment();
            } catch (final RuntimeException e) {
                metrics.objectsDeleteFailed.increment();
                LOG.error("Could not delete {} after it was acknowledged: {}; it stays in the bucket and is not read again",
                        object.describe(), e.getMessage());
            }
        }
    }
}
