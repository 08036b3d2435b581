package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.plugins.mlinference.client.BatchPredictResponse;
import dev.mlbatch.plugins.mlinference.client.MlCommonsClient;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Sends one job to ML Commons without ever creating a second job for the same name: the ledger says
 * "submitting" (on disk) before the call; after a crash or an unanswered call the job is looked up by
 * name first; a provider's duplicate-name answer is taken as "already submitted" and the task is found
 * by name.
 */
public class BatchJobSubmitter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchJobSubmitter.class);

    /** The outcome of one submission try. */
    public sealed interface Result permits Created, Throttled, Retry, Rejected {
    }

    /** The job exists; {@code adopted} when it existed before this call (found by name). */
    public record Created(JobRecord record, boolean adopted) implements Result {
    }

    /** ML Commons or the provider is at its limit: keep pending, back off. */
    public record Throttled(int status, String reason) implements Result {
        /** ML Commons' own limit on CREATED/RUNNING batch tasks (max_batch_inference_tasks), not the provider's. */
        public boolean byMlCommonsTaskLimit() {
            return status == 429 && reason.contains("max_batch_inference_tasks");
        }
    }

    /** No usable answer; the call may or may not have reached ML Commons: look up before sending again. */
    public record Retry(int status, String reason) implements Result {
    }

    /** Retrying cannot help. */
    public record Rejected(int status, String reason) implements Result {
    }

    private final MlCommonsClient client;
    private final String modelId;
    private final ServiceName service;
    private final BatchPredictRequestFactory requests;
    private final ManifestWriter manifestWriter;
    private final JobNamer namer;
    private final FailureClassifier classifier;
    private final JobLedger ledger;
    private final Clock clock;

    public BatchJobSubmitter(final MlCommonsClient client, final String modelId, final ServiceName service,
                             final BatchPredictRequestFactory requests, final ManifestWriter manifestWriter,
                             final JobNamer namer, final FailureClassifier classifier, final JobLedger ledger, final Clock clock) {
        this.client = client;
        this.modelId = modelId;
        this.service = service;
        this.requests = requests;
        this.manifestWriter = manifestWriter;
        this.namer = namer;
        this.classifier = classifier;
        this.ledger = ledger;
        this.clock = clock;
    }

    public Result submit(final JobRecord record, final boolean lookUpFirst) {
        if (lookUpFirst) {
            final Optional<Result> existing = adoptExisting(record);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        JobRecord submitting = record.submitting(clock.instant());
        if (service == ServiceName.SAGEMAKER && submitting.manifestUri() == null) {
            try {
                submitting = submitting.withManifest(manifestWriter.write(record.inputs(), namer.manifestName(record.workKey())), clock.instant());
            } catch (final S3Exception e) {
                final String why = "cannot write the SageMaker manifest into bucket '" + record.inputs().get(0).bucket() + "': "
                        + e.awsErrorDetails().errorMessage() + " (HTTP " + e.statusCode() + ")";
                return e.statusCode() == 403 || e.statusCode() == 404 || e.statusCode() == 400
                        ? new Rejected(e.statusCode(), why) : new Retry(e.statusCode(), why);
            } catch (final SdkException e) {
                return new Retry(MlCommonsException.NO_RESPONSE, "cannot write the SageMaker manifest: " + e.getMessage());
            }
        }
        try {
            ledger.save(submitting);
        } catch (final IOException e) {
            return new Retry(MlCommonsException.NO_RESPONSE, "cannot record the job in the ledger " + ledger.file() + ": " + e.getMessage());
        }
        final JobRecord sent = submitting;
        final ObjectNode body = service == ServiceName.SAGEMAKER
                ? requests.sageMaker(submitting.manifestUri(), submitting.jobName())
                : requests.bedrock(submitting.inputs().get(0), submitting.jobName());
        try {
            final BatchPredictResponse response = client.batchPredict(modelId, body);
            return new Created(saveSubmitted(submitting.submitted(response.taskId(), clock.instant())), false);
        } catch (final MlCommonsException e) {
            switch (classifier.classify(e)) {
                case THROTTLED:
                    return new Throttled(e.status(), e.getMessage());
                case TRANSIENT:
                    return new Retry(e.status(), e.getMessage());
                case DUPLICATE_JOB:
                    LOG.info("Job {} already exists at the provider ({}); treating it as submitted", sent.jobName(), e.reason());
                    return adoptExisting(sent).orElseGet(() -> new Created(saveSubmitted(sent.foundByName(null, clock.instant())), true));
                case PERMANENT:
                default:
                    return new Rejected(e.status(), e.getMessage());
            }
        }
    }

    /** Looks the job up by name; a task found means the job exists and must not be sent again. */
    public Optional<String> findTask(final JobRecord record) throws MlCommonsException {
        return client.findTaskByJobName(modelId, record.jobName());
    }

    private Optional<Result> adoptExisting(final JobRecord record) {
        try {
            final Optional<String> taskId = findTask(record);
            if (taskId.isPresent()) {
                LOG.info("Job {} was created before (task {}); not sending it again", record.jobName(), taskId.get());
                return Optional.of(new Created(saveSubmitted(record.foundByName(taskId.get(), clock.instant())), true));
            }
            return Optional.empty();
        } catch (final MlCommonsException e) {
            if (classifier.classify(e) == FailureKind.TRANSIENT) {
                return Optional.of(new Retry(e.status(), "looking up job " + record.jobName() + ": " + e.getMessage()));
            }
            // Search refused (e.g. no permission for tasks/_search): the deterministic name still protects us,
            // because the provider refuses a second job with the same name.
            LOG.warn("Cannot look up job {} by name ({}); relying on the provider's duplicate-name check", record.jobName(), e.getMessage());
            return Optional.empty();
        }
    }

    private JobRecord saveSubmitted(final JobRecord submitted) {
        try {
            ledger.save(submitted);
        } catch (final IOException e) {
            // The job exists; after a restart the "submitting" record leads to a look-up by name, not a new job.
            LOG.error("Job {} was created (task {}) but the ledger {} could not record it: {}", submitted.jobName(), submitted.taskId(),
                    ledger.file(), e.getMessage());
        }
        return submitted;
    }
}
