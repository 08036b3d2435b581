package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.StackEnv;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code mlbatch jobs}: one row per batch-predict task of ML Commons — task id, model, job name,
 * input, task state, provider status, progress when the provider reports it, age. Tasks still
 * running are refreshed through {@code GET /_plugins/_ml/tasks/{id}}, which asks the provider. Per job also records/s
 * and an ETA where the provider reports counts ({@link JobProgress}), and an estimated cost ({@link JobCost}).
 */
public final class JobsTable implements AutoCloseable {

    private static final int MAX_ROWS = 50;
    private static final int MAX_REFRESH = 20;

    private final OpenSearchHttp os;
    private final Map<String, String> modelNames = new HashMap<>();
    /** Bedrock input tokens by job ARN, from manifests of ended jobs (they do not change any more). */
    private final Map<String, Long> bedrockTokens = new HashMap<>();
    private final StackEnv env;
    private final PriceTable prices;
    private S3Client s3;

    public JobsTable(StackEnv env, PriceTable prices) {
        this.env = env;
        this.os = new OpenSearchHttp(env.get(StackEnv.OPENSEARCH_URL));
        this.prices = prices;
    }

    public void print(PrintStream out) {
        OpenSearchHttp.Answer answer = os.post("/_plugins/_ml/tasks/_search", Map.of(
                "query", Map.of("term", Map.of("task_type", "BATCH_PREDICTION")),
                "sort", List.of(Map.of("create_time", Map.of("order", "desc"))),
                "size", MAX_ROWS));
        String format = "%-22s %-26s %-40s %-44s %-11s %-12s %-11s %-7s %-9s %-8s %-10s%n";
        out.printf(format, "TASK", "MODEL", "JOB", "INPUT", "STATE", "PROVIDER", "PROGRESS", "AGE", "REC/S", "ETA", "COST");
        if (!answer.ok()) {
            out.println("(no batch jobs yet)");
            return;
        }
        int refreshed = 0;
        long now = System.currentTimeMillis();
        Set<String> unpriced = new LinkedHashSet<>();
        for (JsonNode hit : answer.body().path("hits").path("hits")) {
            String taskId = hit.path("_id").asText();
            JsonNode task = hit.path("_source");
            String state = task.path("state").asText();
            if (("RUNNING".equals(state) || "CREATED".equals(state) || "CANCELLING".equals(state)) && refreshed++ < MAX_REFRESH) {
                OpenSearchHttp.Answer fresh = os.get("/_plugins/_ml/tasks/" + taskId);
                if (fresh.ok()) {
                    task = fresh.body();
                    state = task.path("state").asText();
                }
            }
            JsonNode job = task.path("remote_job");
            Instant at = Instant.ofEpochMilli(now);
            JobProgress progress = JobProgress.of(job);
            JobCost cost = JobCost.estimate(job, progress, prices, bedrockTokens(job, progress), at);
            if (!cost.known() && cost.why().startsWith("no price for ")) {
                unpriced.add(cost.why().substring("no price for ".length()));
            }
            out.printf(format, taskId, clip(modelName(task.path("model_id").asText()), 26),
                    clip(first(job, "TransformJobName", "jobName", "name"), 40), clip(input(job), 44), state,
                    first(job, "TransformJobStatus", "status"), progress(progress),
                    age(now - task.path("create_time").asLong(now)), rate(progress.recordsPerSecond(at)),
                    progress.eta(at).map(JobsTable::age).orElse("n/a"), dollars(cost));
        }
        out.println("COST: estimates from " + prices.source() + prices.asOf().map(d -> " (prices as of " + d + ")").orElse("")
                + ", not a bill; n/a where the provider reports no usage yet or the table has no price"
                + (unpriced.isEmpty() ? "" : "; no price for: " + String.join(", ", unpriced)));
    }

    /** A Bedrock job's input tokens, read from its {@code manifest.json.out} once the job has ended; else empty. */
    private OptionalLong bedrockTokens(JsonNode job, JobProgress progress) {
        if (progress.provider() != JobProgress.Provider.BEDROCK || progress.end() == null) {
            return OptionalLong.empty();
        }
        String arn = job.path("jobArn").asText();
        Long cached = bedrockTokens.get(arn);
        if (cached != null) {
            return OptionalLong.of(cached);
        }
        String output = job.path("outputDataConfig").path("s3OutputDataConfig").path("s3Uri").asText("");
        if (!output.startsWith("s3://") || env.get("AWS_SECRET_ACCESS_KEY") == null) {
            return OptionalLong.empty();
        }
        String rest = output.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        String key = prefix + arn.substring(arn.lastIndexOf('/') + 1) + "/manifest.json.out";
        try {
            byte[] body = s3().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            JsonNode manifest = new ObjectMapper().readTree(body);
            if (!manifest.path("inputTokenCount").isNumber()) {
                return OptionalLong.empty();
            }
            long tokens = manifest.path("inputTokenCount").asLong();
            bedrockTokens.put(arn, tokens);
            return OptionalLong.of(tokens);
        } catch (Exception e) {
            // No manifest (a failed or stopped job, or another S3): the cost stays n/a.
            return OptionalLong.empty();
        }
    }

    private S3Client s3() {
        if (s3 == null) {
            s3 = S3Client.builder()
                    .endpointOverride(URI.create(env.get(StackEnv.S3_ENDPOINT)))
                    .forcePathStyle(true)
                    .region(Region.of(env.get("AWS_REGION") == null ? "us-east-1" : env.get("AWS_REGION")))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))))
                    .httpClient(ApacheHttpClient.create())
                    .build();
        }
        return s3;
    }

    @Override
    public void close() {
        if (s3 != null) {
            s3.close();
        }
    }

    static String rate(OptionalDouble perSecond) {
        if (perSecond.isEmpty()) {
            return "n/a";
        }
        double r = perSecond.getAsDouble();
        return String.format(Locale.ROOT, r >= 100 ? "%.0f" : r >= 10 ? "%.1f" : "%.2f", r);
    }

    static String dollars(JobCost cost) {
        if (!cost.known()) {
            return "n/a";
        }
        double d = cost.amount();
        if (d == 0) {
            return "$0";
        }
        // Cents for a dollar and more; below that two significant digits, so a small local job is not shown as 0.
        return d >= 1 ? String.format(Locale.ROOT, "$%.2f", d)
                : "$" + new java.math.BigDecimal(d).round(new java.math.MathContext(2)).toPlainString();
    }

    private String modelName(String modelId) {
        return modelNames.computeIfAbsent(modelId, id -> {
            OpenSearchHttp.Answer a = os.get("/_plugins/_ml/models/" + id);
            return a.ok() ? a.body().path("name").asText(id) : id;
        });
    }

    private static String input(JsonNode job) {
        String uri = job.path("TransformInput").path("DataSource").path("S3DataSource").path("S3Uri").asText("");
        if (uri.isEmpty()) {
            uri = job.path("inputDataConfig").path("s3InputDataConfig").path("s3Uri").asText("");
        }
        return uri.isEmpty() ? "-" : uri;
    }

    private static String progress(JobProgress progress) {
        return progress.hasCounts() ? progress.done() + "/" + progress.total() : "n/a";
    }

    private static String first(JsonNode node, String... fields) {
        for (String f : fields) {
            if (node.hasNonNull(f)) {
                return node.get(f).asText();
            }
        }
        return "-";
    }

    private static String age(long millis) {
        return age(Duration.ofMillis(Math.max(0, millis)));
    }

    static String age(Duration d) {
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m" + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
    }
}
