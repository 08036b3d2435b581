package dev.mlbatch.demo;

import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads how far one provider's flow has got, from the outside, as a user would check it: objects in S3, the
 * provider's own job list (the local model service's ListTransformJobs / ListModelInvocationJobs / OpenAI batches /
 * Cohere embed jobs), and the index.
 */
public final class FlowObserver {

    private final LocalStack stack;
    private final Provider provider;
    private final FlowDestination destination;
    private final S3Client s3;
    private final OpenSearchHttp openSearch;
    private final ModelServiceJobs modelServiceJobs;
    /** Whether each SageMaker job seen writes under this flow's prefix (a job's output path never changes). */
    private final Map<String, Boolean> ownJobs = new java.util.concurrent.ConcurrentHashMap<>();
    private HostedApiJobs hostedApiJobs;

    public FlowObserver(final LocalStack stack, final Provider provider, final FlowDestination destination, final S3Client s3) {
        this.stack = stack;
        this.provider = provider;
        this.destination = destination;
        this.s3 = s3;
        this.openSearch = new OpenSearchHttp(stack.openSearchUrl());
        this.modelServiceJobs = new ModelServiceJobs(stack);
    }

    /** Record files stage 1 wrote for the provider (manifests excluded). */
    public List<String> inputFiles() {
        return recordObjects(provider.inputPrefix());
    }

    /** Records (non-blank lines) in the record files stage 1 wrote for the provider. */
    public long inputRecords() {
        long records = 0;
        for (final String key : inputFiles()) {
            records += s3.getObject(r -> r.bucket(destination.bucket()).key(key),
                    software.amazon.awssdk.core.sync.ResponseTransformer.toBytes()).asUtf8String()
                    .lines().filter(line -> !line.isBlank()).count();
        }
        return records;
    }

    /** Output files the provider's jobs wrote (its manifests excluded). */
    public List<String> outputFiles() {
        return recordObjects(provider.outputPrefix());
    }

    private List<String> recordObjects(final String prefix) {
        final List<String> keys = new ArrayList<>();
        for (final S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(destination.bucket()).prefix(prefix)).contents()) {
            if (!provider.isBookkeeping(o.key()) && !o.key().endsWith("/")) {
                keys.add(o.key());
            }
        }
        return keys;
    }

    /** Jobs the provider received since {@code since}. */
    public ProviderJobs providerJobs(final Instant since) {
        try {
            return switch (provider) {
                case SAGEMAKER -> transformJobs(since);
                case BEDROCK, BEDROCK_BUILTIN -> invocationJobs(since);
                case OPENAI -> hostedApi(StackEnv.OPENAI_URL, StackEnv.OPENAI_API_KEY).openAiBatches(since);
                case COHERE -> hostedApi(StackEnv.COHERE_URL, StackEnv.COHERE_API_KEY).cohereEmbedJobs(since);
            };
        } catch (final IOException e) {
            throw new IllegalStateException("could not list " + provider + " jobs at " + stack.modelServiceUrl() + ": " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private HostedApiJobs hostedApi(final String urlKey, final String apiKeyKey) {
        if (hostedApiJobs == null) {
            hostedApiJobs = new HostedApiJobs(stack.env().get(urlKey), stack.env().get(apiKeyKey), ownOutput());
        }
        return hostedApiJobs;
    }

    private ProviderJobs transformJobs(final Instant since) throws IOException, InterruptedException {
        final List<ProviderJobs.Job> jobs = new ArrayList<>();
        modelServiceJobs.eachTransformJob(job -> {
            if (job.path("CreationTime").asDouble() >= since.getEpochSecond() && ownTransformJob(job.path("TransformJobName").asText())) {
                jobs.add(new ProviderJobs.Job(job.path("TransformJobName").asText(), job.path("TransformJobStatus").asText(),
                        job.path("FailureReason").asText(null)));
            }
        });
        return new ProviderJobs(jobs);
    }

    private ProviderJobs invocationJobs(final Instant since) throws IOException, InterruptedException {
        final List<ProviderJobs.Job> jobs = new ArrayList<>();
        modelServiceJobs.eachInvocationJob(job -> {
            if (!Instant.parse(job.path("submitTime").asText()).isBefore(since.minusSeconds(1))
                    && job.at("/outputDataConfig/s3OutputDataConfig/s3Uri").asText().startsWith(ownOutput())) {
                jobs.add(new ProviderJobs.Job(job.path("jobName").asText(), job.path("status").asText(),
                        job.path("message").asText(null)));
            }
        });
        return new ProviderJobs(jobs);
    }

    /**
     * Only jobs that write under this flow's prefix are its own: on a shared stack, other tests' jobs (other prefixes)
     * run at the same time and must neither be counted nor waited for.
     */
    private boolean ownTransformJob(final String name) {
        return ownJobs.computeIfAbsent(name, n -> {
            try {
                return modelServiceJobs.describeTransformJob(n)
                        .at("/TransformOutput/S3OutputPath").asText().startsWith(ownOutput());
            } catch (final IOException e) {
                throw new IllegalStateException("could not describe SageMaker job " + n + ": " + e.getMessage(), e);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }

    private String ownOutput() {
        return "s3://" + destination.bucket() + "/" + provider.prefix();
    }

    /** Documents in the flow's index (0 while it does not exist or its shard is still starting). */
    public long documents() {
        return count(null);
    }

    /** Documents in the flow's index that have their vector. */
    public long documentsWithVector() {
        return count(Map.of("query", Map.of("exists", Map.of("field", "text_embedding"))));
    }

    private long count(final Object query) {
        final String index = destination.index();
        final OpenSearchHttp.Answer answer = query == null ? openSearch.get("/" + index + "/_count")
                : openSearch.post("/" + index + "/_count", query);
        // 404: no index yet; 503 (all shards failed): the index was just created and its shard has not started.
        if (answer.status() == 404 || answer.status() == 503) {
            return 0;
        }
        return answer.orThrow("counting " + index).path("count").asLong();
    }
}
