package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.http.HttpCall;
import dev.mlbatch.stack.http.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * SageMaker's batch transform operations (Create/Describe/Stop/ListTransformJobs) and endpoint
 * invocations, with SageMaker's request validation and error codes.
 */
public final class SageMakerApi {

    private static final Logger LOG = LoggerFactory.getLogger(SageMakerApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JOB_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");

    private static final String API = "sagemaker";

    private final Map<String, TransformJob> jobs = new ConcurrentHashMap<>();
    private final TransformJobRunner runner;
    private final JobPool pool;
    private final DjlTextEmbedding embedding;
    private final FaultInjector faults;
    private final Clock clock;
    private final ProviderJobJournal journal;

    public SageMakerApi(TransformJobRunner runner, JobPool pool, DjlTextEmbedding embedding, FaultInjector faults, Clock clock) {
        this(runner, pool, embedding, faults, clock, ProviderJobJournal.none());
    }

    SageMakerApi(TransformJobRunner runner, JobPool pool, DjlTextEmbedding embedding, FaultInjector faults, Clock clock,
                 ProviderJobJournal journal) {
        this.runner = runner;
        this.pool = pool;
        this.embedding = embedding;
        this.faults = faults;
        this.clock = clock;
        this.journal = journal;
        restore();
    }

    /** The jobs of the journal: ended ones as they ended, running ones run again from their start. */
    private void restore() {
        journal.restore(API, recorded -> {
            TransformJob job = new TransformJob(recorded.id(), recorded.arn(), recorded.request(), recorded.createdAt());
            jobs.put(job.name(), job);
            return job;
        }, TransformJob::restoreEnd, job -> {
            LOG.info("transform job {} was running when the service stopped: running it again", job.name());
            pool.submit(() -> runAndRecord(job));
        });
    }

    private void runAndRecord(TransformJob job) {
        runner.run(job);
        journal.ended(API, job.name(), job.endRecord());
    }

    /** Dispatches a signed SageMaker call; {@code operation} comes from X-Amz-Target or the path. */
    public Reply handle(String operation, HttpCall call) {
        if (faults.throttle("sagemaker", operation)) {
            return AwsErrorReply.sageMaker(400, "ThrottlingException", "Rate exceeded");
        }
        if ("InvokeEndpoint".equals(operation)) {
            return invokeEndpoint(call);
        }
        ObjectNode body;
        try {
            JsonNode parsed = call.body().length == 0 ? JsonNodeFactory.instance.objectNode() : JSON.readTree(call.body());
            if (!parsed.isObject()) {
                return validation("Request body must be a JSON object");
            }
            body = (ObjectNode) parsed;
        } catch (IOException e) {
            return AwsErrorReply.sageMaker(400, "SerializationException", "Malformed JSON request body");
        }
        return switch (operation) {
            case "CreateTransformJob" -> create(body);
            case "DescribeTransformJob" -> describe(body);
            case "StopTransformJob" -> stop(body);
            case "ListTransformJobs" -> list(body);
            default -> AwsErrorReply.sageMaker(400, "UnknownOperationException", "Unknown operation " + operation);
        };
    }

    private Reply create(ObjectNode body) {
        String name = TransformJobRunner.text(body.get("TransformJobName"));
        if (name == null || !JOB_NAME.matcher(name).matches()) {
            return validation("1 validation error detected: Value '" + name + "' at 'transformJobName' failed to satisfy "
                    + "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
        }
        for (String required : List.of("ModelName", "TransformInput", "TransformOutput", "TransformResources")) {
            if (!body.hasNonNull(required)) {
                return validation("1 validation error detected: Value null at '" + lowerFirst(required)
                        + "' failed to satisfy constraint: Member must not be null");
            }
        }
        if (!body.at("/TransformInput/DataSource/S3DataSource/S3Uri").isTextual()) {
            return validation("1 validation error detected: Value null at 'transformInput.dataSource.s3DataSource.s3Uri' "
                    + "failed to satisfy constraint: Member must not be null");
        }
        if (!body.at("/TransformOutput/S3OutputPath").isTextual()) {
            return validation("1 validation error detected: Value null at 'transformOutput.s3OutputPath' "
                    + "failed to satisfy constraint: Member must not be null");
        }
        String arn = "arn:aws:sagemaker:" + LocalCredentials.REGION + ":" + LocalCredentials.ACCOUNT_ID + ":transform-job/"
                + name.toLowerCase(java.util.Locale.ROOT);
        TransformJob job = new TransformJob(name, arn, body.deepCopy(), clock.instant());
        if (jobs.putIfAbsent(name, job) != null) {
            return AwsErrorReply.sageMaker(400, "ResourceInUse", "Job name must be unique within an AWS account and region, "
                    + "and a job with this name already exists (" + jobs.get(name).arn() + ")");
        }
        journal.created(API, name, arn, job.request(), job.creationTime());
        LOG.info("transform job {} -> InProgress (input {})", name,
                body.at("/TransformInput/DataSource/S3DataSource/S3Uri").asText());
        pool.submit(() -> runAndRecord(job));
        return Reply.json(200, Map.of("TransformJobArn", arn));
    }

    private Reply describe(ObjectNode body) {
        TransformJob job = find(body);
        if (job == null) {
            return validation("Could not find requested job with name " + TransformJobRunner.text(body.get("TransformJobName")));
        }
        return ok(job.describe());
    }

    private Reply stop(ObjectNode body) {
        TransformJob job = find(body);
        if (job == null) {
            return AwsErrorReply.sageMaker(400, "ResourceNotFound",
                    "Could not find requested job with name " + TransformJobRunner.text(body.get("TransformJobName")));
        }
        if (!job.requestStop(clock.instant()) && !"Stopped".equals(job.status())) {
            return validation("Transform job " + job.name() + " is in status " + job.status() + " and cannot be stopped");
        }
        LOG.info("transform job {} -> {}", job.name(), job.status());
        return ok(JsonNodeFactory.instance.objectNode());
    }

    private Reply list(ObjectNode body) {
        String nameContains = TransformJobRunner.text(body.get("NameContains"));
        String status = TransformJobRunner.text(body.get("StatusEquals"));
        int max = body.path("MaxResults").asInt(10);
        int offset = parseToken(TransformJobRunner.text(body.get("NextToken")));
        boolean ascending = "Ascending".equals(TransformJobRunner.text(body.get("SortOrder")));
        List<TransformJob> matching = new ArrayList<>(jobs.values().stream()
                .filter(j -> nameContains == null || j.name().contains(nameContains))
                .filter(j -> status == null || status.equals(j.status()))
                .sorted(Comparator.comparing(TransformJob::creationTime))
                .toList());
        if (!ascending) {
            java.util.Collections.reverse(matching);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode summaries = out.putArray("TransformJobSummaries");
        for (int i = offset; i < Math.min(matching.size(), offset + max); i++) {
            summaries.add(matching.get(i).summary());
        }
        if (offset + max < matching.size()) {
            out.put("NextToken", Integer.toString(offset + max));
        }
        return ok(out);
    }

    /** Real-time embeddings, as the DJL container behind a SageMaker endpoint answers them. */
    private Reply invokeEndpoint(HttpCall call) {
        String contentType = call.header("content-type").orElse("application/json");
        try {
            JsonNode result = contentType.contains("json")
                    ? embedding.embedJson(JSON.readTree(call.body()))
                    : embedding.embedText(call.bodyText());
            return Reply.json(200, JSON.writeValueAsBytes(result));
        } catch (IOException | IllegalArgumentException e) {
            return AwsErrorReply.sageMaker(424, "ModelError", "Received client error (400) from primary with message \""
                    + e.getMessage() + "\". See the CloudWatch log for more information.");
        }
    }

    private TransformJob find(ObjectNode body) {
        String name = TransformJobRunner.text(body.get("TransformJobName"));
        return name == null ? null : jobs.get(name);
    }

    public Map<String, TransformJob> jobs() {
        return jobs;
    }

    private static Reply ok(ObjectNode node) {
        try {
            return new Reply(200, Map.of("Content-Type", "application/x-amz-json-1.1"), JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Reply validation(String message) {
        return AwsErrorReply.sageMaker(400, "ValidationException", message);
    }

    private static int parseToken(String token) {
        try {
            return token == null ? 0 : Math.max(0, Integer.parseInt(token));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
