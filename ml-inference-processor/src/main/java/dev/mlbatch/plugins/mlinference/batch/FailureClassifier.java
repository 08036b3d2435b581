package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.client.MlCommonsException;

import java.util.List;
import java.util.Locale;

/**
 * Sorts ML Commons failures. Throttling is keyed on HTTP 429 and on the provider texts ML Commons passes
 * through (it reports a provider's ThrottlingException with the provider's status, often 400); duplicate
 * job names on SageMaker's ResourceInUse and Bedrock's ConflictException texts.
 */
public final class FailureClassifier {
    private static final List<String> THROTTLE_MARKERS = List.of(
            "remote_connector_throttling_exception",
            "throttling",
            "throttled",
            "request was denied due to remote server throttling",
            "quota for number of concurrent invoke-model jobs",
            "servicequotaexceededexception",
            "resourcelimitexceeded",
            "exceeded maximum limit for batch_prediction tasks");
    private static final List<String> DUPLICATE_MARKERS = List.of(
            "resourceinuse",
            "already exists",
            "must be unique",
            "conflictexception",
            "duplicate job name");
    private static final List<String> PERMANENT_SERVER_MARKERS = List.of(
            "currently disabled");
    /** A provider's words for "no such job" as ML Commons passes them on when it refreshes a task. */
    private static final List<String> UNKNOWN_JOB_MARKERS = List.of(
            "could not find requested job",
            "resourcenotfound");

    /**
     * Whether a failed read of a job's task says the job is gone: ML Commons no longer has the task (404), or it has
     * the task but the provider no longer knows the job (SageMaker's ValidationException "Could not find requested
     * job", Bedrock's ResourceNotFoundException, which ML Commons reports with status 400). Such a job never ends by
     * itself, so it is ended here and its input sent again.
     */
    public static boolean jobIsGone(final MlCommonsException failure) {
        if (failure.isConnectionFailure()) {
            return false;
        }
        if (failure.status() == 404) {
            return true;
        }
        final String text = String.valueOf(failure.reason()).toLowerCase(Locale.ROOT);
        return failure.status() == 400 && UNKNOWN_JOB_MARKERS.stream().anyMatch(text::contains);
    }

    public FailureKind classify(final MlCommonsException failure) {
        if (failure.isConnectionFailure()) {
            return FailureKind.TRANSIENT;
        }
        final String text = ((failure.errorType() == null ? "" : failure.errorType()) + " " + failure.reason()).toLowerCase(Locale.ROOT);
        if (failure.status() == 429 || THROTTLE_MARKERS.stream().anyMatch(text::contains)) {
            return FailureKind.THROTTLED;
        }
        if (DUPLICATE_MARKERS.stream().anyMatch(text::contains)) {
            return FailureKind.DUPLICATE_JOB;
        }
        if (failure.status() >= 500) {
            return PERMANENT_SERVER_MARKERS.stream().anyMatch(text::contains) ? FailureKind.PERMANENT : FailureKind.TRANSIENT;
        }
        if (failure.status() == 408) {
            return FailureKind.TRANSIENT;
        }
        return FailureKind.PERMANENT;
    }
}
