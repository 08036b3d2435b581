package dev.mlbatch.stack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.sigv4.SignedHttpClient;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * A SageMaker Batch Transform job sent straight to the local model service (no ML Commons, no pipeline) and waited
 * for: the bare embedding rate that benchmarks compare the rest against. The request is the one ML Commons sends
 * for the reference connector: JSON lines, {@code InputFilter $.text}, output joined to the input.
 */
public final class DirectTransformJob {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalStack stack;
    private final SignedHttpClient client;

    public DirectTransformJob(final LocalStack stack) {
        this.stack = stack;
        this.client = new SignedHttpClient(stack.accessKeyId(), stack.secretAccessKey(), stack.region(), "sagemaker");
    }

    /** Creates job {@code name} over every object under {@code inputPrefixUri} and returns when it has Completed. */
    public void run(final String name, final String inputPrefixUri, final String outputUri) throws IOException, InterruptedException {
        final String base = stack.modelServiceUrl() + "/sagemaker/";
        final Map<String, Object> request = Map.of(
                "TransformJobName", name,
                "ModelName", "djl-minilm",
                "BatchStrategy", "SingleRecord",
                "TransformInput", Map.of("ContentType", "application/json", "SplitType", "Line",
                        "DataSource", Map.of("S3DataSource", Map.of("S3DataType", "S3Prefix", "S3Uri", inputPrefixUri))),
                "TransformOutput", Map.of("S3OutputPath", outputUri, "AssembleWith", "Line", "Accept", "application/json"),
                "TransformResources", Map.of("InstanceType", "ml.m5.xlarge", "InstanceCount", 1),
                "DataProcessing", Map.of("InputFilter", "$.text", "JoinSource", "Input", "OutputFilter", "$"));
        final HttpResponse<String> created = client.send("POST", base + "CreateTransformJob", JSON.writeValueAsString(request));
        if (created.statusCode() != 200) {
            throw new IllegalStateException("CreateTransformJob: " + created.statusCode() + " " + created.body());
        }
        final String describe = JSON.writeValueAsString(Map.of("TransformJobName", name));
        while (true) {
            final JsonNode job = JSON.readTree(client.send("POST", base + "DescribeTransformJob", describe).body());
            final String status = job.path("TransformJobStatus").asText();
            if ("Completed".equals(status)) {
                return;
            }
            if (!"InProgress".equals(status)) {
                throw new IllegalStateException("transform job " + name + " ended " + status + ": " + job.path("FailureReason"));
            }
            // Each poll costs a signed request on both sides, taken from the embedding on 2 cores: poll every 50 ms.
            Thread.sleep(50);
        }
    }
}
