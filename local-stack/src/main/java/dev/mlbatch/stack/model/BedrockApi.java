package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.http.HttpCall;
import dev.mlbatch.stack.http.Reply;
import dev.mlbatch.stack.model.ModelServiceConfig.BedrockQuotas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Bedrock's batch inference operations (Create/Get/Stop/ListModelInvocationJobs) and InvokeModel,
 * routed as restJson1 paths, with idempotent {@code clientRequestToken}s and the concurrent-jobs quota.
 */
public final class BedrockApi {

    private static final Logger LOG = LoggerFactory.getLogger(BedrockApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern JOB_NAME = Pattern.compile("[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+");
    private static final Pattern JOB_ID = Pattern.compile("[a-z0-9]{12}");
    private static final Pattern CLIENT_REQUEST_TOKEN = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9])*");

    private static final String API = "bedrock";

    private final Map<String, InvocationJob> jobs = new ConcurrentHashMap<>();
    private final BedrockJobRunner runner;
    private final JobPool pool;
    private final TitanEmbedding titan;
    private final FaultInjector faults;
    private final Supplier<BedrockQuotas> quotas;
    private final Clock clock;
    private final ProviderJobJournal journal;

    public BedrockApi(BedrockJobRunner runner, JobPool pool, TitanEmbedding titan, FaultInjector faults,
                      Supplier<BedrockQuotas> quotas, Clock clock) {
        this(runner, pool, titan, faults, quotas, clock, ProviderJobJournal.none());
    }

    BedrockApi(BedrockJobRunner runner, JobPool pool, TitanEmbedding titan, FaultInjector faults,
               Supplier<BedrockQuotas> quotas, Clock clock, ProviderJobJournal journal) {
        this.runner = runner;
        this.pool = pool;
        this.titan = titan;
        this.faults = faults;
        this.quotas = quotas;
        this.clock = clock;
        this.journal = journal;
        restore();
    }

    /** The jobs of the journal: ended ones as they ended, running ones run again from their start. */
    private void restore() {
        journal.restore(API, recorded -> {
            InvocationJob job = new InvocationJob(recorded.id(), recorded.arn(), recorded.request(), recorded.createdAt());
            jobs.put(job.id(), job);
            return job;
        }, InvocationJob::restoreEnd, job -> {
            LOG.info("invocation job {} ({}) was running when the service stopped: running it again", job.id(), job.jobName());
            pool.submit(() -> runAndRecord(job));
        });
    }

    private void runAndRecord(InvocationJob job) {
        runner.run(job);
        journal.ended(API, job.id(), job.endRecord());
    }

    /** Routes {@code path} (already stripped of an optional {@code /bedrock} prefix, still raw-encoded). */
    public Reply handle(String method, String path, HttpCall call) {
        String operation = operation(method, path);
        if (operation == null) {
            return AwsErrorReply.bedrock(404, "UnknownOperationException", "Unknown operation " + method + " " + path);
        }
        if (faults.throttle("bedrock", operation)) {
            return AwsErrorReply.bedrock(429, "ThrottlingException", "Too many requests, please wait before trying again.");
        }
        return switch (operation) {
            case "CreateModelInvocationJob" -> create(call);
            case "GetModelInvocationJob" -> get(jobIdentifier(path, false));
            case "StopModelInvocationJob" -> stop(jobIdentifier(path, true));
            case "ListModelInvocationJobs" -> list(call);
            case "InvokeModel" -> invokeModel(path, call);
            default -> AwsErrorReply.bedrock(404, "UnknownOperationException", "Unknown operation " + operation);
        };
    }

    static String operation(String method, String path) {
        if (path.equals("/model-invocation-job") && "POST".equals(method)) {
            return "CreateModelInvocationJob";
        }
        if (path.startsWith("/model-invocation-job/") && path.endsWith("/stop") && "POST".equals(method)) {
            return "StopModelInvocationJob";
        }
        if (path.startsWith("/model-invocation-job/") && "GET".equals(method)) {
            return "GetModelInvocationJob";
        }
        if (path.equals("/model-invocation-jobs") && "GET".equals(method)) {
            return "ListModelInvocationJobs";
        }
        if (path.startsWith("/model/") && path.endsWith("/invoke") && "POST".equals(method)) {
            return "InvokeModel";
        }
        return null;
    }

    private Reply create(HttpCall call) {
        ObjectNode body;
        try {
            JsonNode parsed = JSON.readTree(call.body());
            if (parsed == null || !parsed.isObject()) {
                return validation("Request body must be a JSON object");
            }
            body = (ObjectNode) parsed;
        } catch (IOException e) {
            return validation("Malformed JSON request body");
        }
        String name = body.path("jobName").asText(null);
        if (name == null || !JOB_NAME.matcher(name).matches() || name.length() > 63) {
            return validation("1 validation error detected: Value '" + name + "' at 'jobName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}");
        }
        String roleArn = body.path("roleArn").asText(null);
        if (roleArn == null || !ROLE_ARN.matcher(roleArn).matches()) {
            return validation("1 validation error detected: Value '" + roleArn + "' at 'roleArn' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: ^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+$");
        }
        String modelId = body.path("modelId").asText(null);
        if (!TitanEmbedding.supports(modelId)) {
            return validation("The provided model identifier is invalid.");
        }
        if (!body.at("/inputDataConfig/s3InputDataConfig/s3Uri").isTextual()
                || !body.at("/outputDataConfig/s3OutputDataConfig/s3Uri").isTextual()) {
            return validation("1 validation error detected: inputDataConfig.s3InputDataConfig.s3Uri and "
                    + "outputDataConfig.s3OutputDataConfig.s3Uri are required");
        }
        String token = body.path("clientRequestToken").asText(null);
        if (token != null && (token.length() > 256 || !CLIENT_REQUEST_TOKEN.matcher(token).matches())) {
            return validation("1 validation error detected: Value '" + token + "' at 'clientRequestToken' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9])* and have length less than or equal to 256");
        }
        synchronized (jobs) {
            if (token != null) {
                for (InvocationJob existing : jobs.values()) {
                    if (token.equals(existing.clientRequestToken())) {
                        if (existing.jobName().equals(name)) {
                            // Idempotent retry: same token, same request → the same job.
                            return Reply.json(200, Map.of("jobArn", existing.arn()));
                        }
                        return AwsErrorReply.bedrock(400, "ConflictException",
                                "The clientRequestToken " + token + " was already used for a different request.");
                    }
                }
            }
            for (InvocationJob existing : jobs.values()) {
                if (existing.jobName().equals(name)) {
                    return AwsErrorReply.bedrock(400, "ConflictException",
                            "A model invocation job with the name " + name + " already exists.");
                }
            }
            long active = jobs.values().stream().filter(j -> j.isActive() && j.modelId().equals(modelId)).count();
            int quota = quotas.get().maxConcurrentJobs();
            if (active >= quota) {
                return AwsErrorReply.bedrock(400, "ServiceQuotaExceededException",
                        "You have reached the quota for number of concurrent invoke-model jobs in progress for this model ("
                                + quota + "). Wait for a job to finish or stop a job, and try again.");
            }
            String id = newJobId();
            String arn = "arn:aws:bedrock:" + LocalCredentials.REGION + ":" + LocalCredentials.ACCOUNT_ID
                    + ":model-invocation-job/" + id;
            InvocationJob job = new InvocationJob(id, arn, body.deepCopy(), clock.instant());
            jobs.put(id, job);
            journal.created(API, id, arn, job.request(), job.submitTime());
            LOG.info("invocation job {} ({}) -> Submitted (input {})", id, name,
                    body.at("/inputDataConfig/s3InputDataConfig/s3Uri").asText());
            pool.submit(() -> runAndRecord(job));
            return Reply.json(200, Map.of("jobArn", arn));
        }
    }

    private Reply get(String identifier) {
        InvocationJob job = find(identifier);
        if (job == null) {
            return notFound(identifier);
        }
        return Reply.json(200, job.describe());
    }

    private Reply stop(String identifier) {
        InvocationJob job = find(identifier);
        if (job == null) {
            return notFound(identifier);
        }
        if (!job.requestStop(clock.instant()) && !"Stopped".equals(job.status())) {
            return validation("The model invocation job " + job.id() + " is in status " + job.status() + " and cannot be stopped.");
        }
        LOG.info("invocation job {} ({}) -> {}", job.id(), job.jobName(), job.status());
        return Reply.json(200, Map.of());
    }

    private Reply list(HttpCall call) {
        Map<String, String> q = query(call.rawQuery());
        String status = q.get("statusEquals");
        String nameContains = q.get("nameContains");
        int max = parseInt(q.get("maxResults"), 1000);
        int offset = parseInt(q.get("nextToken"), 0);
        List<InvocationJob> matching = new ArrayList<>(jobs.values().stream()
                .filter(j -> status == null || status.equals(j.status()))
                .filter(j -> nameContains == null || j.jobName().contains(nameContains))
                .sorted(Comparator.comparing(InvocationJob::submitTime))
                .toList());
        if (!"Ascending".equals(q.get("sortOrder"))) {
            java.util.Collections.reverse(matching);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode summaries = out.putArray("invocationJobSummaries");
        for (int i = offset; i < Math.min(matching.size(), offset + max); i++) {
            summaries.add(matching.get(i).summary());
        }
        if (offset + max < matching.size()) {
            out.put("nextToken", Integer.toString(offset + max));
        }
        return Reply.json(200, out);
    }

    private Reply invokeModel(String path, HttpCall call) {
        String modelId = decode(path.substring("/model/".length(), path.length() - "/invoke".length()));
        if (!TitanEmbedding.supports(modelId)) {
            return validation("The provided model identifier is invalid.");
        }
        try {
            return Reply.json(200, titan.invoke(JSON.readTree(call.body())))
                    .withHeader("X-Amzn-Bedrock-Input-Token-Count", "0");
        } catch (IOException e) {
            return validation("Malformed input request, please reformat your input and try again.");
        } catch (IllegalArgumentException e) {
            return validation(e.getMessage());
        }
    }

    /** The job id from {@code /model-invocation-job/{ARN or id}[/stop]}, however the ARN was encoded. */
    static String jobIdentifier(String path, boolean stop) {
        String raw = path.substring("/model-invocation-job/".length());
        if (stop) {
            raw = raw.substring(0, raw.length() - "/stop".length());
        }
        String decoded = decode(decode(raw));
        int slash = decoded.lastIndexOf('/');
        return slash < 0 ? decoded : decoded.substring(slash + 1);
    }

    private InvocationJob find(String identifier) {
        return identifier == null || !JOB_ID.matcher(identifier).matches() ? null : jobs.get(identifier);
    }

    public Map<String, InvocationJob> jobs() {
        return jobs;
    }

    private static Reply notFound(String identifier) {
        return AwsErrorReply.bedrock(404, "ResourceNotFoundException", "The specified job " + identifier + " was not found.");
    }

    private static Reply validation(String message) {
        return AwsErrorReply.bedrock(400, "ValidationException", message);
    }

    private static String newJobId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new java.util.HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
        }
        return out;
    }

    private static int parseInt(String s, int fallback) {
        try {
            return s == null ? fallback : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
