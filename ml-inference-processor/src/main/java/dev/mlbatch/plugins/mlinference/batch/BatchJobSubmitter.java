package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.plugins.mlinference.client.BatchJobService;
import dev.mlbatch.plugins.mlinference.client.BatchPredictResponse;
import dev.mlbatch.plugins.mlinference.client.MlCommonsClient;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import dev.mlbatch.plugins.mlinference.client.ProviderApiException;
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
    /** Who runs the jobs: ML Commons ({@link #client}), or Bedrock itself for a built-in model (then client is null). */
    private final BatchJobService jobs;
    private final String modelId;
    private final ServiceName service;
    private final BatchPredictRequestFactory requests;
    private final ManifestWriter manifestWriter;
    private final JobNamer namer;
    private final FailureClassifier classifier;
    private final JobLedger ledger;
    private final Clock clock;
    /** OpenAI / Cohere: the provider's own API for the upload and the look-up by name; null for SageMaker and Bedrock. */
    private final HostedBatchApi hosted;

    public BatchJobSubmitter(final MlCommonsClient client, final String modelId, final ServiceName service,
                             final BatchPredictRequestFactory requests, final ManifestWriter manifestWriter,
                             final JobNamer namer, final FailureClassifier classifier, final JobLedger ledger, final Clock clock) {
        this(client, modelId, service, requests, manifestWriter, namer, classifier, ledger, clock, null);
    }

    public BatchJobSubmitter(final MlCommonsClient client, final String modelId, final ServiceName service,
                             final BatchPredictRequestFactory requests, final ManifestWriter manifestWriter,
                             final JobNamer namer, final FailureClassifier classifier, final JobLedger ledger, final Clock clock,
                             final HostedBatchApi hosted) {
        this(client, client, modelId, service, requests, manifestWriter, namer, classifier, ledger, clock, hosted);
    }

    /** Jobs run by {@code jobs}, e.g. Bedrock called directly for a built-in model. */
    public BatchJobSubmitter(final BatchJobService jobs, final String modelId, final ServiceName service,
                             final BatchPredictRequestFactory requests, final ManifestWriter manifestWriter,
                             final JobNamer namer, final FailureClassifier classifier, final JobLedger ledger, final Clock clock) {
        this(jobs instanceof MlCommonsClient ml ? ml : null, jobs, modelId, service, requests, manifestWriter, namer, classifier, ledger,
                clock, null);
    }

    private BatchJobSubmitter(final MlCommonsClient client, final BatchJobService jobs, final String modelId, final ServiceName service,
                              final BatchPredictRequestFactory requests, final ManifestWriter manifestWriter,
                              final JobNamer namer, final FailureClassifier classifier, final JobLedger ledger, final Clock clock,
                              final HostedBatchApi hosted) {
        this.hosted = hosted;
        this.client = client;
        this.jobs = jobs;
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
        // OpenAI and Cohere accept a second job with the same name, so only a look-up keeps a lost ledger from duplicating.
        // Bedrock called directly answers a repeated create with the existing job (clientRequestToken): only a look-up
        // tells that the job ran before.
        if (lookUpFirst || hosted != null || jobs.createReturnsExistingJobs()) {
            final Optional<Result> existing = adoptExisting(record, lookUpFirst);
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
        String hostedInputId = null;
        if (hosted != null) {
            try {
                hostedInputId = hosted.upload(record.inputs().get(0), record.jobName());
            } catch (final ProviderApiException e) {
                if (e.status() == 429) {
                    return new Throttled(429, "uploading the input to " + hosted.providerName() + ": " + e.getMessage());
                }
                return e.isRetryable() ? new Retry(e.status(), "uploading the input: " + e.getMessage())
                        : new Rejected(e.status(), e.getMessage());
            } catch (final S3Exception e) {
                final String why = "cannot read input object " + record.inputs().get(0).s3Uri() + " to upload it to " + hosted.providerName()
                        + ": " + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()) + " (HTTP " + e.statusCode() + ")";
                return e.statusCode() == 403 || e.statusCode() == 404 ? new Rejected(e.statusCode(), why) : new Retry(e.statusCode(), why);
            } catch (final SdkException e) {
                return new Retry(MlCommonsException.NO_RESPONSE, "cannot read input object " + record.inputs().get(0).s3Uri() + ": " + e.getMessage());
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
                : service == ServiceName.OPENAI ? requests.openAi(hostedInputId, submitting.jobName(), submitting.inputs().get(0))
                : service == ServiceName.COHERE ? requests.cohere(hostedInputId, submitting.jobName())
                : requests.bedrock(submitting.inputs().get(0), submitting.jobName());
        try {
            final BatchPredictResponse response = jobs.batchPredict(modelId, body);
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
        return jobs.findTaskByJobName(modelId, record.jobName());
    }

    private Optional<Result> adoptExisting(final JobRecord record) {
        return adoptExisting(record, true);
    }

    /**
     * @param askProvider also ask OpenAI / Cohere when ML Commons does not know the name: after a crash or an unanswered
     *                    call (a job created moments ago may not carry its Cohere name in ML Commons yet), not on every
     *                    first submission, where ML Commons' tasks suffice (a job that ran long ago has been refreshed)
     */
    private Optional<Result> adoptExisting(final JobRecord record, final boolean askProvider) {
        try {
            final Optional<String> taskId = findTask(record);
            if (taskId.isPresent()) {
                LOG.info("Job {} was created before (task {}); not sending it again", record.jobName(), taskId.get());
                return Optional.of(new Created(saveSubmitted(record.foundByName(taskId.get(), clock.instant())), true));
            }
            return hosted == null || !askProvider ? Optional.empty() : adoptFromProvider(record);
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

    /**
     * ML Commons does not know the name yet (Cohere's name reaches the task only when ML Commons first refreshes it):
     * ask the provider, and find the task by the provider's job id.
     */
    private Optional<Result> adoptFromProvider(final JobRecord record) throws MlCommonsException {
        final Optional<String> providerJob;
        try {
            providerJob = hosted.findJob(record.jobName());
        } catch (final ProviderApiException e) {
            if (e.isRetryable()) {
                return Optional.of(new Retry(e.status(), "looking up job " + record.jobName() + " at " + hosted.providerName() + ": " + e.getMessage()));
            }
            LOG.warn("Cannot look up job {} at {} ({}); going by ML Commons' tasks alone", record.jobName(), hosted.providerName(), e.getMessage());
            return Optional.empty();
        }
        if (providerJob.isEmpty()) {
            return Optional.empty();
        }
        final Optional<String> taskId = client.findTaskByRemoteId(modelId, hosted.remoteIdField(), providerJob.get());
        if (taskId.isPresent()) {
            LOG.info("Job {} was created before ({} job {}, task {}); not sending it again", record.jobName(), hosted.providerName(),
                    providerJob.get(), taskId.get());
            return Optional.of(new Created(saveSubmitted(record.foundByName(taskId.get(), clock.instant())), true));
        }
        // The provider has the job but ML Commons shows no task for it (yet): sending it again would pay twice.
        return Optional.of(new Retry(MlCommonsException.NO_RESPONSE, "job " + record.jobName() + " exists at " + hosted.providerName()
                + " as " + providerJob.get() + " but ML Commons has no task for it yet"));
    }

    /** "ML Commons", or "Bedrock" for a built-in model: for failure reasons. */
    public String serviceLabel() {
        return jobs.serviceLabel();
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
