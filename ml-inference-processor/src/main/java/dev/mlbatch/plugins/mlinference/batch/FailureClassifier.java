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
