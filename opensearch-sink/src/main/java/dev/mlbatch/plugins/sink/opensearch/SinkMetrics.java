package dev.mlbatch.plugins.sink.opensearch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import org.opensearch.dataprepper.metrics.PluginMetrics;

/** The sink's meters, named as upstream's opensearch sink names them. */
public class SinkMetrics {
    final Timer bulkRequestLatency;
    final Counter bulkRequestErrors;
    final Counter bulkRequestFailed;
    final Counter bulkRequestNumberOfRetries;
    final Counter bulkBadRequestErrors;
    final Counter bulkRequestNotAllowedErrors;
    final Counter bulkRequestInvalidInputErrors;
    final Counter bulkRequestNotFoundErrors;
    final Counter bulkRequestTimeoutErrors;
    final Counter bulkRequestServerErrors;
    final Counter documentsSuccess;
    final Counter documentsSuccessFirstAttempt;
    final Counter documentErrors;
    final Counter documentsVersionConflictErrors;
    final Counter dlqFileWrites;
    final Counter dlqFileWriteErrors;
    final DistributionSummary bulkRequestSizeBytes;

    public SinkMetrics(final PluginMetrics pluginMetrics) {
        bulkRequestLatency = pluginMetrics.timer("bulkRequestLatency");
        bulkRequestErrors = pluginMetrics.counter("bulkRequestErrors");
        bulkRequestFailed = pluginMetrics.counter("bulkRequestFailed");
        bulkRequestNumberOfRetries = pluginMetrics.counter("bulkRequestNumberOfRetries");
        bulkBadRequestErrors = pluginMetrics.counter("bulkBadRequestErrors");
        bulkRequestNotAllowedErrors = pluginMetrics.counter("bulkRequestNotAllowedErrors");
        bulkRequestInvalidInputErrors = pluginMetrics.counter("bulkRequestInvalidInputErrors");
        bulkRequestNotFoundErrors = pluginMetrics.counter("bulkRequestNotFoundErrors");
        bulkRequestTimeoutErrors = pluginMetrics.counter("bulkRequestTimeoutErrors");
        bulkRequestServerErrors = pluginMetrics.counter("bulkRequestServerErrors");
        documentsSuccess = pluginMetrics.counter("documentsSuccess");
        documentsSuccessFirstAttempt = pluginMetrics.counter("documentsSuccessFirstAttempt");
        documentErrors = pluginMetrics.counter("documentErrors");
        documentsVersionConflictErrors = pluginMetrics.counter("documentsVersionConflictErrors");
        dlqFileWrites = pluginMetrics.counter("dlqFileWrites");
        dlqFileWriteErrors = pluginMetrics.counter("dlqFileWriteErrors");
        bulkRequestSizeBytes = pluginMetrics.summary("bulkRequestSizeBytes");
    }

    /** Counts a failed status in upstream's per-status counters. */
    void countStatus(final int status) {
        if (status == 400) {
            bulkBadRequestErrors.increment();
        } else if (status == 401 || status == 403) {
            bulkRequestNotAllowedErrors.increment();
        } else if (status == 404) {
            bulkRequestNotFoundErrors.increment();
        } else if (status == 408) {
            bulkRequestTimeoutErrors.increment();
        } else if (status == 413 || status == 422) {
            bulkRequestInvalidInputErrors.increment();
        } else if (status >= 500) {
            bulkRequestServerErrors.increment();
        }
    }
}
