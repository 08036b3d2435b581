package dev.mlbatch.plugins.s3source;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import org.opensearch.dataprepper.metrics.PluginMetrics;

import java.util.function.ToDoubleFunction;

/** The source's meters. Names follow upstream's s3 source where upstream has the metric. */
public class S3ScanMetrics {
    // upstream (S3ObjectPluginMetrics, S3ObjectDeleteWorker, ScanObjectWorker, SqsWorker)
    static final String OBJECTS_SUCCEEDED = "s3ObjectsSucceeded";
    static final String OBJECTS_FAILED = "s3ObjectsFailed";
    static final String OBJECTS_NOT_FOUND = "s3ObjectsNotFound";
    static final String OBJECTS_ACCESS_DENIED = "s3ObjectsAccessDenied";
    static final String OBJECTS_THROTTLED = "s3ObjectsThrottled";
    static final String OBJECTS_EMPTY = "s3ObjectsEmpty";
    static final String OBJECT_NO_RECORDS_FOUND = "s3ObjectNoRecordsFound";
    static final String OBJECTS_DELETED = "s3ObjectsDeleted";
    static final String OBJECTS_DELETE_FAILED = "s3ObjectsDeleteFailed";
    static final String OBJECT_READ_TIME_ELAPSED = "s3ObjectReadTimeElapsed";
    static final String OBJECT_SIZE_BYTES = "s3ObjectSizeBytes";
    static final String OBJECT_PROCESSED_BYTES = "s3ObjectProcessedBytes";
    static final String OBJECT_EVENTS = "s3ObjectsEvents";
    static final String ACKNOWLEDGEMENT_SET_CALLBACKS = "acknowledgementSetCallbackCounter";
    // ours
    static final String OBJECTS_LISTED = "s3ObjectsListed";
    static final String OBJECTS_PENDING = "s3ObjectsPending";
    static final String BUCKET_LIST_FAILED = "s3BucketListFailed";
    static final String MALFORMED_RECORDS = "s3ObjectMalformedRecords";
    static final String INVALID_UTF8_RECORDS = "s3ObjectInvalidUtf8Records";
    static final String OBJECTS_WITH_INVALID_UTF8 = "s3ObjectsWithInvalidUtf8";
    static final String OBJECTS_RETRIED = "s3ObjectsRetried";
    static final String OBJECTS_CHANGED_BEFORE_READ = "s3ObjectsChangedBeforeRead";
    static final String SCANS_COMPLETED = "s3ScansCompleted";
    static final String OBJECTS_WAITING_FOR_CONDITION = "s3ObjectsWaitingForCondition";
    static final String CONDITION_ERRORS = "s3ProcessingConditionErrors";
    static final String CONDITION_MAX_RETRY_REACHED = "s3ProcessingConditionMaxRetryReached";
    static final String OBJECTS_READ_WITH_UNMET_CONDITION = "s3ObjectsReadWithUnmetCondition";

    private final PluginMetrics pluginMetrics;
    final Counter objectsSucceeded;
    final Counter objectsFailed;
    final Counter objectsNotFound;
    final Counter objectsAccessDenied;
    final Counter objectsThrottled;
    final Counter objectsEmpty;
    final Counter objectNoRecordsFound;
    final Counter objectsDeleted;
    final Counter objectsDeleteFailed;
    final Counter acknowledgementSetCallbacks;
    final Counter objectsListed;
    final Counter bucketListFailed;
    final Counter malformedRecords;
    final Counter invalidUtf8Records;
    final Counter objectsWithInvalidUtf8;
    final Counter objectsRetried;
    final Counter objectsChangedBeforeRead;
    final Counter scansCompleted;
    final Counter objectsWaitingForCondition;
    final Counter conditionErrors;
    final Counter conditionMaxRetryReached;
    final Counter objectsReadWithUnmetCondition;
    final Timer objectReadTimeElapsed;
    final DistributionSummary objectSizeBytes;
    final DistributionSummary objectProcessedBytes;
    final DistributionSummary objectEvents;

    public S3ScanMetrics(final PluginMetrics pluginMetrics) {
        this.pluginMetrics = pluginMetrics;
        objectsSucceeded = pluginMetrics.counter(OBJECTS_SUCCEEDED);
        objectsFailed = pluginMetrics.counter(OBJECTS_FAILED);
        objectsNotFound = pluginMetrics.counter(OBJECTS_NOT_FOUND);
        objectsAccessDenied = pluginMetrics.counter(OBJECTS_ACCESS_DENIED);
        objectsThrottled = pluginMetrics.counter(OBJECTS_THROTTLED);
        objectsEmpty = pluginMetrics.counter(OBJECTS_EMPTY);
        objectNoRecordsFound = pluginMetrics.counter(OBJECT_NO_RECORDS_FOUND);
        objectsDeleted = pluginMetrics.counter(OBJECTS_DELETED);
        objectsDeleteFailed = pluginMetrics.counter(OBJECTS_DELETE_FAILED);
        acknowledgementSetCallbacks = pluginMetrics.counter(ACKNOWLEDGEMENT_SET_CALLBACKS);
        objectsListed = pluginMetrics.counter(OBJECTS_LISTED);
        bucketListFailed = pluginMetrics.counter(BUCKET_LIST_FAILED);
        malformedRecords = pluginMetrics.counter(MALFORMED_RECORDS);
        invalidUtf8Records = pluginMetrics.counter(INVALID_UTF8_RECORDS);
        objectsWithInvalidUtf8 = pluginMetrics.counter(OBJECTS_WITH_INVALID_UTF8);
        objectsRetried = pluginMetrics.counter(OBJECTS_RETRIED);
        objectsChangedBeforeRead = pluginMetrics.counter(OBJECTS_CHANGED_BEFORE_READ);
        scansCompleted = pluginMetrics.counter(SCANS_COMPLETED);
        objectsWaitingForCondition = pluginMetrics.counter(OBJECTS_WAITING_FOR_CONDITION);
        conditionErrors = pluginMetrics.counter(CONDITION_ERRORS);
        conditionMaxRetryReached = pluginMetrics.counter(CONDITION_MAX_RETRY_REACHED);
        objectsReadWithUnmetCondition = pluginMetrics.counter(OBJECTS_READ_WITH_UNMET_CONDITION);
        objectReadTimeElapsed = pluginMetrics.timer(OBJECT_READ_TIME_ELAPSED);
        objectSizeBytes = pluginMetrics.summary(OBJECT_SIZE_BYTES);
        objectProcessedBytes = pluginMetrics.summary(OBJECT_PROCESSED_BYTES);
        objectEvents = pluginMetrics.summary(OBJECT_EVENTS);
    }

    /** Registers the gauge of objects taken up (listed and acquired) and not yet settled. */
    <T> void registerPendingGauge(final T ledger, final ToDoubleFunction<T> pendingCount) {
        pluginMetrics.gauge(OBJECTS_PENDING, ledger, pendingCount);
    }
}
