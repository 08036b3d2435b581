package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.sigv4.SignedHttpClient;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The local model service's own job lists, read page by page as the providers' APIs page them: SageMaker's
 * {@code ListTransformJobs} and Bedrock's {@code ListModelInvocationJobs}, plus a transform job's description (the
 * list summary lacks its input and output). Each signed for its service, as a client of the real APIs signs.
 */
public final class ModelServiceJobs {

    /** Receives one job summary of a list page. */
    @FunctionalInterface
    public interface SummaryVisitor {
        void visit(JsonNode summary) throws IOException, InterruptedException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final SignedHttpClient sageMaker;
    private final SignedHttpClient bedrock;

    public ModelServiceJobs(final LocalStack stack) {
        this.url = stack.modelServiceUrl();
        this.sageMaker = new SignedHttpClient(stack.accessKeyId(), stack.secretAccessKey(), stack.region(), "sagemaker");
        this.bedrock = new SignedHttpClient(stack.accessKeyId(), stack.secretAccessKey(), stack.region(), "bedrock");
    }

    /** Every entry of {@code TransformJobSummaries}, all pages. */
    public void eachTransformJob(final SummaryVisitor visitor) throws IOException, InterruptedException {
        String token = null;
        do {
            final Map<String, Object> request = token == null ? Map.of("MaxResults", 100)
                    : Map.of("MaxResults", 100, "NextToken", token);
            final JsonNode page = call(sageMaker, "POST", url + "/sagemaker/ListTransformJobs", JSON.writeValueAsString(request));
            for (final JsonNode summary : page.path("TransformJobSummaries")) {
                visitor.visit(summary);
            }
            token = page.path("NextToken").asText(null);
        } while (token != null);
    }

    /** Every entry of {@code invocationJobSummaries}, all pages. */
    public void eachInvocationJob(final SummaryVisitor visitor) throws IOException, InterruptedException {
        String token = null;
        do {
            final JsonNode page = call(bedrock, "GET", url + "/bedrock/model-invocation-jobs?maxResults=1000"
                    + (token == null ? "" : "&nextToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8)), null);
            for (final JsonNode summary : page.path("invocationJobSummaries")) {
                visitor.visit(summary);
            }
            token = page.path("nextToken").asText(null);
        } while (token != null);
    }

    /** {@code DescribeTransformJob} of one job. */
    public JsonNode describeTransformJob(final String name) throws IOException, InterruptedException {
        return call(sageMaker, "POST", url + "/sagemaker/DescribeTransformJob",
                JSON.writeValueAsString(Map.of("TransformJobName", name)));
    }

    private static JsonNode call(final SignedHttpClient client, final String method, final String url, final String body)
            throws IOException, InterruptedException {
        final HttpResponse<String> response = client.send(method, url, body);
        if (response.statusCode() != 200) {
            throw new IOException(method + " " + url + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
