package dev.mlbatch.demo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.demo.FlowDestination;
import dev.mlbatch.demo.ModelServiceJobs;
import dev.mlbatch.demo.Provider;
import dev.mlbatch.demo.ProviderJobs;
import dev.mlbatch.stack.LocalStack;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every batch job the provider (the local model service) received during one chaos run, with the input files it
 * read, as the provider's own job list shows them. The log reads the list often (and right before each kill) and
 * keeps what it saw, so that a job a provider might drop still counts. A job is known by its name and creation time.
 */
final class ProviderJobLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One job: its name, status (the last one seen), creation time and the S3 keys of the input files it read. */
    record Job(String name, String status, String created, List<String> inputs) {
        boolean succeeded() {
            return ProviderJobs.succeeded(status);
        }

        boolean ended() {
            return ProviderJobs.ended(status);
        }
    }

    private final Provider provider;
    private final FlowDestination destination;
    private final S3Client s3;
    private final Instant since;
    private final ModelServiceJobs modelServiceJobs;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    /** The jobs of the provider's current list (those a restarted model service still knows). */
    private final Set<String> current = new LinkedHashSet<>();

    ProviderJobLog(final LocalStack stack, final Provider provider, final FlowDestination destination, final S3Client s3,
                   final Instant since) {
        if (provider != Provider.SAGEMAKER && provider != Provider.BEDROCK) {
            throw new IllegalArgumentException("the chaos runs take sagemaker or bedrock, not " + provider);
        }
        this.provider = provider;
        this.destination = destination;
        this.s3 = s3;
        this.since = since;
        this.modelServiceJobs = new ModelServiceJobs(stack);
    }

    /** Reads the provider's job list once; returns false when the model service did not answer (e.g. just killed). */
    boolean look() {
        try {
            current.clear();
            if (provider == Provider.SAGEMAKER) {
                lookSageMaker();
            } else {
                lookBedrock();
            }
            return true;
        } catch (final IOException | RuntimeException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every job seen since the run started. */
    Collection<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    /** At least one job, and every job the provider lists now has ended. */
    boolean currentAllEnded() {
        return !current.isEmpty() && current.stream().allMatch(k -> jobs.get(k).ended());
    }

    /**
     * Jobs that succeeded although every input file they read had already been read by a job that succeeded before
     * (a second paid job for the same input). A job lost with a killed model service, resubmitted, is not one: the
     * lost job never ended.
     */
    int duplicates() {
        final Set<String> covered = new HashSet<>();
        int duplicates = 0;
        final List<Job> succeeded = new ArrayList<>(jobs.values().stream().filter(Job::succeeded).toList());
        succeeded.sort(java.util.Comparator.comparing(Job::created));
        for (final Job job : succeeded) {
            if (!job.inputs().isEmpty() && covered.containsAll(job.inputs())) {
                duplicates++;
            }
            covered.addAll(job.inputs());
        }
        return duplicates;
    }

    /** e.g. {@code 2 jobs (Completed 2)}. */
    String describe() {
        final Map<String, Integer> byStatus = new java.util.TreeMap<>();
        jobs.values().forEach(j -> byStatus.merge(j.status(), 1, Integer::sum));
        return jobs.size() + " jobs " + byStatus;
    }

    private void lookSageMaker() throws IOException, InterruptedException {
        modelServiceJobs.eachTransformJob(summary -> {
            if (summary.path("CreationTime").asDouble() < since.getEpochSecond()) {
                return;
            }
            final String name = summary.path("TransformJobName").asText();
            final String created = summary.path("CreationTime").asText();
            final String key = name + "@" + created;
            final Job known = jobs.get(key);
            if (known == null) {
                final JsonNode job = modelServiceJobs.describeTransformJob(name);
                if (!job.at("/TransformOutput/S3OutputPath").asText().startsWith(ownPrefix())) {
                    return; // another flow's job on the same stack
                }
                final JsonNode source = job.at("/TransformInput/DataSource/S3DataSource");
                final List<String> inputs = "ManifestFile".equals(source.path("S3DataType").asText())
                        ? manifestInputs(source.path("S3Uri").asText()) : List.of(keyOf(source.path("S3Uri").asText()));
                jobs.put(key, new Job(name, summary.path("TransformJobStatus").asText(), created, inputs));
            } else {
                jobs.put(key, new Job(name, summary.path("TransformJobStatus").asText(), created, known.inputs()));
            }
            current.add(key);
        });
    }

    private void lookBedrock() throws IOException, InterruptedException {
        modelServiceJobs.eachInvocationJob(summary -> {
            if (Instant.parse(summary.path("submitTime").asText()).isBefore(since.minusSeconds(1))
                    || !summary.at("/outputDataConfig/s3OutputDataConfig/s3Uri").asText().startsWith(ownPrefix())) {
                return;
            }
            final String created = summary.path("submitTime").asText();
            final String key = summary.path("jobName").asText() + "@" + created;
            jobs.put(key, new Job(summary.path("jobName").asText(), summary.path("status").asText(), created,
                    List.of(keyOf(summary.at("/inputDataConfig/s3InputDataConfig/s3Uri").asText()))));
            current.add(key);
        });
    }

    /** The files a SageMaker manifest names: {@code [{"prefix": "s3://b/"}, "key", ...]}. */
    private List<String> manifestInputs(final String uri) throws IOException {
        final String key = keyOf(uri);
        final JsonNode manifest = JSON.readTree(s3.getObject(r -> r.bucket(destination.bucket()).key(key),
                ResponseTransformer.toBytes()).asUtf8String());
        final String prefix = keyOf(manifest.path(0).path("prefix").asText());
        final List<String> inputs = new ArrayList<>();
        for (int i = 1; i < manifest.size(); i++) {
            inputs.add(prefix + manifest.get(i).asText());
        }
        return inputs;
    }

    /** {@code s3://bucket/a/b} → {@code a/b}. */
    private static String keyOf(final String uri) {
        final String rest = uri.substring("s3://".length());
        return rest.substring(rest.indexOf('/') + 1);
    }

    private String ownPrefix() {
        return "s3://" + destination.bucket() + "/" + provider.prefix();
    }
}
