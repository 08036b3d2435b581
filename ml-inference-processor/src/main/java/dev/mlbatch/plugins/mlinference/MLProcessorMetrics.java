package dev.mlbatch.plugins.mlinference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.opensearch.dataprepper.metrics.PluginMetrics;

import java.util.concurrent.atomic.AtomicInteger;

/** The processor's meters: upstream's names where upstream has the metric, ours for the rest. */
public final class MLProcessorMetrics {
    // upstream names
    public static final String BATCH_JOB_REQUESTS_SUCCEEDED = "BatchJobRequestsSucceeded";
    public static final String BATCH_JOB_REQUESTS_FAILED = "BatchJobRequestsFailed";
    public static final String BATCH_JOBS_CREATION_SUCCEEDED = "batchJobsCreationSucceeded";
    public static final String BATCH_JOBS_CREATION_FAILED = "batchJobsCreationFailed";
    public static final String RECORDS_SUCCEEDED_IN_BATCH_JOB_CREATION = "recordsSucceededInBatchJobCreation";
    public static final String RECORDS_FAILED_IN_BATCH_JOB_CREATION = "recordsFailedInBatchJobCreation";
    // ours
    public static final String BATCH_JOBS_OUTSTANDING = "batchJobsOutstanding";
    public static final String BATCH_JOBS_THROTTLED = "batchJobsThrottled";
    public static final String BATCH_JOBS_COMPLETED = "batchJobsCompleted";
    public static final String BATCH_JOBS_FAILED = "batchJobsFailed";
    public static final String BATCH_JOBS_RESUBMITTED = "batchJobsResubmitted";
    public static final String BATCH_JOBS_DEAD_LETTERED = "batchJobsDeadLettered";
    public static final String BATCH_JOB_DUPLICATES_AVOIDED = "batchJobDuplicatesAvoided";
    public static final String BATCH_JOB_DURATION = "batchJobDuration";
    public static final String PREDICT_REQUESTS_SUCCEEDED = "predictRequestsSucceeded";
    public static final String PREDICT_REQUESTS_FAILED = "predictRequestsFailed";
    public static final String RECORDS_SUCCEEDED_IN_PREDICT = "recordsSucceededInPredict";
    public static final String RECORDS_FAILED_IN_PREDICT = "recordsFailedInPredict";
    public static final String DEAD_LETTERS_WRITTEN = "deadLettersWritten";
    public static final String DEAD_LETTER_WRITES_FAILED = "deadLetterWritesFailed";
    public static final String RECORDS_REJECTED_BEFORE_BATCH_JOB = "recordsRejectedBeforeBatchJob";
    public static final String BATCH_JOBS_PARTIALLY_COMPLETED = "batchJobsPartiallyCompleted";
    public static final String BATCH_JOBS_SPLIT = "batchJobsSplit";
    public static final String RECORDS_MISSING_FROM_BATCH_JOB = "recordsMissingFromBatchJob";
    public static final String RECORDS_FAILED_IN_BATCH_JOB = "recordsFailedInBatchJob";
    public static final String RECORDS_RESUBMITTED = "recordsResubmitted";
    public static final String RECORDS_DEAD_LETTERED = "recordsDeadLettered";

    final Counter batchJobRequestsSucceeded;
    final Counter batchJobRequestsFailed;
    final Counter batchJobsCreationSucceeded;
    final Counter batchJobsCreationFailed;
    final Counter recordsSucceededInBatchJobCreation;
    final Counter recordsFailedInBatchJobCreation;
    final Counter batchJobsThrottled;
    final Counter batchJobsCompleted;
    final Counter batchJobsFailed;
    final Counter batchJobsResubmitted;
    final Counter batchJobsDeadLettered;
    final Counter batchJobDuplicatesAvoided;
    final Timer batchJobDuration;
    final Counter predictRequestsSucceeded;
    final Counter predictRequestsFailed;
    final Counter recordsSucceededInPredict;
    final Counter recordsFailedInPredict;
    final Counter deadLettersWritten;
    final Counter deadLetterWritesFailed;
    final Counter recordsRejectedBeforeBatchJob;
    final Counter batchJobsPartiallyCompleted;
    final Counter batchJobsSplit;
    final Counter recordsMissingFromBatchJob;
    final Counter recordsFailedInBatchJob;
    final Counter recordsResubmitted;
    final Counter recordsDeadLettered;
    private final AtomicInteger outstanding;

    public MLProcessorMetrics(final PluginMetrics pluginMetrics) {
        batchJobRequestsSucceeded = pluginMetrics.counter(BATCH_JOB_REQUESTS_SUCCEEDED);
        batchJobRequestsFailed = pluginMetrics.counter(BATCH_JOB_REQUESTS_FAILED);
        batchJobsCreationSucceeded = pluginMetrics.counter(BATCH_JOBS_CREATION_SUCCEEDED);
        batchJobsCreationFailed = pluginMetrics.counter(BATCH_JOBS_CREATION_FAILED);
        recordsSucceededInBatchJobCreation = pluginMetrics.counter(RECORDS_SUCCEEDED_IN_BATCH_JOB_CREATION);
        recordsFailedInBatchJobCreation = pluginMetrics.counter(RECORDS_FAILED_IN_BATCH_JOB_CREATION);
        batchJobsThrottled = pluginMetrics.counter(BATCH_JOBS_THROTTLED);
        batchJobsCompleted = pluginMetrics.counter(BATCH_JOBS_COMPLETED);
        batchJobsFailed = pluginMetrics.counter(BATCH_JOBS_FAILED);
        batchJobsResubmitted = pluginMetrics.counter(BATCH_JOBS_RESUBMITTED);
        batchJobsDeadLettered = pluginMetrics.counter(BATCH_JOBS_DEAD_LETTERED);
        batchJobDuplicatesAvoided = pluginMetrics.counter(BATCH_JOB_DUPLICATES_AVOIDED);
        batchJobDuration = pluginMetrics.timer(BATCH_JOB_DURATION);
        predictRequestsSucceeded = pluginMetrics.counter(PREDICT_REQUESTS_SUCCEEDED);
        predictRequestsFailed = pluginMetrics.counter(PREDICT_REQUESTS_FAILED);
        recordsSucceededInPredict = pluginMetrics.counter(RECORDS_SUCCEEDED_IN_PREDICT);
        recordsFailedInPredict = pluginMetrics.counter(RECORDS_FAILED_IN_PREDICT);
        deadLettersWritten = pluginMetrics.counter(DEAD_LETTERS_WRITTEN);
        deadLetterWritesFailed = pluginMetrics.counter(DEAD_LETTER_WRITES_FAILED);
        recordsRejectedBeforeBatchJob = pluginMetrics.counter(RECORDS_REJECTED_BEFORE_BATCH_JOB);
        batchJobsPartiallyCompleted = pluginMetrics.counter(BATCH_JOBS_PARTIALLY_COMPLETED);
        batchJobsSplit = pluginMetrics.counter(BATCH_JOBS_SPLIT);
        recordsMissingFromBatchJob = pluginMetrics.counter(RECORDS_MISSING_FROM_BATCH_JOB);
        recordsFailedInBatchJob = pluginMetrics.counter(RECORDS_FAILED_IN_BATCH_JOB);
        recordsResubmitted = pluginMetrics.counter(RECORDS_RESUBMITTED);
        recordsDeadLettered = pluginMetrics.counter(RECORDS_DEAD_LETTERED);
        final AtomicInteger gauge = pluginMetrics.gauge(BATCH_JOBS_OUTSTANDING, new AtomicInteger());
        outstanding = gauge == null ? new AtomicInteger() : gauge;
    }

    public Counter batchJobRequestsSucceeded() { return batchJobRequestsSucceeded; }
    public Counter batchJobRequestsFailed() { return batchJobRequestsFailed; }
    public Counter batchJobsCreationSucceeded() { return batchJobsCreationSucceeded; }
    public Counter batchJobsCreationFailed() { return batchJobsCreationFailed; }
    public Counter recordsSucceededInBatchJobCreation() { return recordsSucceededInBatchJobCreation; }
    public Counter recordsFailedInBatchJobCreation() { return recordsFailedInBatchJobCreation; }
    public Counter batchJobsThrottled() { return batchJobsThrottled; }
    public Counter batchJobsCompleted() { return batchJobsCompleted; }
    public Counter batchJobsFailed() { return batchJobsFailed; }
    public Counter batchJobsResubmitted() { return batchJobsResubmitted; }
    public Counter batchJobsDeadLettered() { return batchJobsDeadLettered; }
    public Counter batchJobDuplicatesAvoided() { return batchJobDuplicatesAvoided; }
    public Timer batchJobDuration() { return batchJobDuration; }
    public Counter predictRequestsSucceeded() { return predictRequestsSucceeded; }
    public Counter predictRequestsFailed() { return predictRequestsFailed; }
    public Counter recordsSucceededInPredict() { return recordsSucceededInPredict; }
    public Counter recordsFailedInPredict() { return recordsFailedInPredict; }
    public Counter deadLettersWritten() { return deadLettersWritten; }
    public Counter deadLetterWritesFailed() { return deadLetterWritesFailed; }
    public Counter recordsRejectedBeforeBatchJob() { return recordsRejectedBeforeBatchJob; }
    public Counter batchJobsPartiallyCompleted() { return batchJobsPartiallyCompleted; }
    public Counter batchJobsSplit() { return batchJobsSplit; }
    public Counter recordsMissingFromBatchJob() { return recordsMissingFromBatchJob; }
    public Counter recordsFailedInBatchJob() { return recordsFailedInBatchJob; }
    public Counter recordsResubmitted() { return recordsResubmitted; }
    public Counter recordsDeadLettered() { return recordsDeadLettered; }

    public void setOutstanding(final int jobs) {
        outstanding.set(jobs);
    }

    public int outstanding() {
        return outstanding.get();
    }
}
