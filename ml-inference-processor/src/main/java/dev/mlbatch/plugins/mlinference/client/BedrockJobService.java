package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bedrock's batch inference API called directly (upstream's "built-in connector" mode, no ML Commons):
 * CreateModelInvocationJob, GetModelInvocationJob and ListModelInvocationJobs, restJson1, SigV4 service
 * {@code bedrock}. The create body is upstream's ({@code inputDataConfig}, {@code jobName}, {@code modelId},
 * {@code outputDataConfig}, {@code roleArn} = {@code aws.job_sts_role_arn}) plus {@code clientRequestToken} =
 * the job name, which is deterministic (work key and attempt): a create repeated after a crash or by a replay
 * — with or without the ledger — gets the same job back. Bedrock's status is mapped to ML Commons' task states
 * the way ML Commons maps it, so the coordinator treats both services alike.
 */
public final class BedrockJobService implements BatchJobService {
    private static final int MAX_REASON_CHARS = 2000;
    private static final int LIST_PAGE = 100;
    /** ML Commons' default status_regex settings, tried in this order (case-insensitive, substring). */
    private static final Map<String, Pattern> STATE_RULES = orderedRules();

    private final URI endpoint;
    private final String base;
    private final SdkHttpClient httpClient;
    private final RequestAuthenticator authenticator;
    private final SignedJsonExchange exchange;
    private final String roleArn;
    private final ObjectMapper mapper;

    public BedrockJobService(final URI endpoint, final SdkHttpClient httpClient, final RequestAuthenticator authenticator,
                             final String roleArn, final ObjectMapper mapper) {
        this.endpoint = endpoint;
        final String text = endpoint.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.httpClient = httpClient;
        this.authenticator = authenticator;
        this.exchange = new SignedJsonExchange(httpClient, authenticator, "Bedrock at " + endpoint);
        this.roleArn = roleArn;
        this.mapper = mapper;
    }

    /** CreateModelInvocationJob from the {@code _batch_predict} body's parameters; the task id is the job ARN. */
    @Override
    public BatchPredictResponse batchPredict(final String modelId, final JsonNode body) throws MlCommonsException {
        final ObjectNode request = createRequest(modelId, body.path("parameters"));
        final JsonNode answer = call(SdkHttpMethod.POST, "/model-invocation-job", null, request);
        if (!answer.hasNonNull("jobArn")) {
            throw new MlCommonsException(200, "no_job_arn", "CreateModelInvocationJob answered without a jobArn: " + truncate(answer.toString()));
        }
        return new BatchPredictResponse(answer.get("jobArn").asText(), "CREATED", answer);
    }

    /** The body Bedrock receives: upstream's fields in upstream's order, the token, then the {@code parameters} option's extras. */
    ObjectNode createRequest(final String modelId, final JsonNode parameters) {
        final ObjectNode request = mapper.createObjectNode();
        request.set("inputDataConfig", parameters.path("inputDataConfig").deepCopy());
        final String jobName = parameters.path("jobName").asText();
        request.put("jobName", jobName);
        request.put("modelId", modelId);
        request.set("outputDataConfig", parameters.path("outputDataConfig").deepCopy());
        request.put("roleArn", roleArn);
        request.put("clientRequestToken", clientRequestToken(jobName));
        for (final Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> field = it.next();
            if (!request.has(field.getKey())) {
                request.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return request;
    }

    /**
     * The idempotency token of a job: its name, {@code mlb-<32 hex of the work key>-a<attempt>}, which fits Bedrock's
     * token rule ({@code [a-zA-Z0-9](-*[a-zA-Z0-9])*}, at most 256) and differs per attempt, so a resubmission after a
     * failed attempt is a new job while a repeat of the same attempt is not.
     */
    public static String clientRequestToken(final String jobName) {
        return jobName;
    }

    @Override
    public TaskStatus getTask(final String jobArn) throws MlCommonsException {
        return statusOf(jobArn, call(SdkHttpMethod.GET, "/model-invocation-job/" + encode(jobArn), null, null));
    }

    /** GetModelInvocationJob's answer as a task: the job as remote_job, its status mapped as ML Commons maps it. */
    static TaskStatus statusOf(final String jobArn, final JsonNode job) {
        final String status = job.path("status").asText("");
        return new TaskStatus(jobArn, taskState(status), job, null, instant(job.path("submitTime")), instant(job.path("lastModifiedTime")));
    }

    /** ML Commons' mapping of a provider status to a task state; no match stays RUNNING (Submitted, Validating, …). */
    public static String taskState(final String providerStatus) {
        for (final Map.Entry<String, Pattern> rule : STATE_RULES.entrySet()) {
            if (rule.getValue().matcher(providerStatus).find()) {
                return rule.getKey();
            }
        }
        return "RUNNING";
    }

    /** ListModelInvocationJobs filtered by name; Bedrock matches a substring, so the exact name is checked here. Newest first. */
    @Override
    public Optional<String> findTaskByJobName(final String modelId, final String jobName) throws MlCommonsException {
        String nextToken = null;
        do {
            final StringBuilder query = new StringBuilder("nameContains=").append(encode(jobName))
                    .append("&maxResults=").append(LIST_PAGE).append("&sortBy=CreationTime&sortOrder=Descending");
            if (nextToken != null) {
                query.append("&nextToken=").append(encode(nextToken));
            }
            final JsonNode page = call(SdkHttpMethod.GET, "/model-invocation-jobs", query.toString(), null);
            for (final JsonNode job : page.path("invocationJobSummaries")) {
                if (jobName.equals(job.path("jobName").asText(null)) && job.hasNonNull("jobArn")) {
                    return Optional.of(job.get("jobArn").asText());
                }
            }
            nextToken = page.hasNonNull("nextToken") ? page.get("nextToken").asText() : null;
        } while (nextToken != null);
        return Optional.empty();
    }

    @Override
    public boolean createReturnsExistingJobs() {
        return true;
    }

    @Override
    public String serviceLabel() {
        return "Bedrock";
    }

    @Override
    public String describe() {
        return "Bedrock at " + endpoint + " (built-in model, no ML Commons), " + authenticator.describe();
    }

    private JsonNode call(final SdkHttpMethod method, final String path, final String rawQuery, final JsonNode body) throws MlCommonsException {
        final SignedJsonExchange.Answer answer = exchange.send(method,
                URI.create(base + path + (rawQuery == null ? "" : "?" + rawQuery)), body);
        final String text = answer.body();
        final int status = answer.status();
        if (status / 100 != 2) {
            throw errorFrom(status, answer.errorType(), text);
        }
        try {
            return text.isBlank() ? mapper.createObjectNode() : mapper.readTree(text);
        } catch (final IOException e) {
            throw new MlCommonsException(status, "unparsable_response", "Bedrock's answer to " + method + " " + path + " is not JSON: "
                    + truncate(text));
        }
    }

    /** restJson1 errors: the type in {@code x-amzn-ErrorType} ({@code Name[:namespace]}), the text in {@code message}. */
    private MlCommonsException errorFrom(final int status, final String errorTypeHeader, final String text) {
        String type = errorTypeHeader == null ? null : errorTypeHeader.split(":", 2)[0].trim();
        String message = text;
        try {
            final JsonNode error = mapper.readTree(text);
            for (final String field : new String[]{"message", "Message"}) {
                if (error.hasNonNull(field)) {
                    message = error.get(field).asText();
                    break;
                }
            }
            if (type == null && error.hasNonNull("__type")) {
                type = error.get("__type").asText();
            }
        } catch (final IOException | RuntimeException ignored) {
            // not JSON: keep the raw text
        }
        return new MlCommonsException(status, type, truncate(message == null ? "" : message));
    }

    /** As the AWS SDKs send a path or query value: every reserved character percent-encoded (the ARN's ':' and '/' too). */
    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Instant instant(final JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            // epoch seconds with a fraction, as some AWS clients render timestamps
            return Instant.ofEpochMilli((long) (node.asDouble() * 1000));
        }
        try {
            return Instant.parse(node.asText());
        } catch (final DateTimeParseException e) {
            return null;
        }
    }

    private static String truncate(final String text) {
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS) + "…";
    }

    private static Map<String, Pattern> orderedRules() {
        final Map<String, Pattern> rules = new java.util.LinkedHashMap<>();
        rules.put("CANCELLING", Pattern.compile("(stopping|cancelling)", Pattern.CASE_INSENSITIVE));
        rules.put("CANCELLED", Pattern.compile("(stopped|cancelled)", Pattern.CASE_INSENSITIVE));
        rules.put("COMPLETED", Pattern.compile("(complete|completed|partiallyCompleted)", Pattern.CASE_INSENSITIVE));
        rules.put("EXPIRED", Pattern.compile("(expired|timeout)", Pattern.CASE_INSENSITIVE));
        rules.put("FAILED", Pattern.compile("(failed)", Pattern.CASE_INSENSITIVE));
        return java.util.Collections.unmodifiableMap(rules);
    }

    @Override
    public void close() {
        httpClient.close();
    }
}
