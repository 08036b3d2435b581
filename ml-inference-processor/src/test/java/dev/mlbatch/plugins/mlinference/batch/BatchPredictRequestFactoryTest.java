package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchPredictRequestFactoryTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void bedrockBodyIsUpstreamsExactly() throws Exception {
        final BatchPredictRequestFactory factory = new BatchPredictRequestFactory(mapper, "s3://my-bucket/out", Map.of());
        final String body = factory.bedrock(new InputObject("my-bucket", "prepared/part-0001.jsonl", ""), "mlb-x-a1").toString();
        assertEquals("{\"parameters\":{\"inputDataConfig\":{\"s3InputDataConfig\":{\"s3Uri\":\"s3://my-bucket/prepared/part-0001.jsonl\"}},"
                + "\"jobName\":\"mlb-x-a1\",\"outputDataConfig\":{\"s3OutputDataConfig\":{\"s3Uri\":\"s3://my-bucket/out\"}}}}", body);
    }

    @Test
    void sageMakerBodyIsUpstreamsExactlyWithJobNameInOutputPath() {
        final BatchPredictRequestFactory factory = new BatchPredictRequestFactory(mapper, "s3://my-bucket/out", Map.of());
        final String body = factory.sageMaker("s3://my-bucket/in/m/m.manifest", "mlb-y-a1").toString();
        assertEquals("{\"parameters\":{\"TransformInput\":{\"ContentType\":\"application/json\",\"DataSource\":{\"S3DataSource\":"
                + "{\"S3DataType\":\"ManifestFile\",\"S3Uri\":\"s3://my-bucket/in/m/m.manifest\"}},\"SplitType\":\"Line\"},"
                + "\"TransformJobName\":\"mlb-y-a1\",\"TransformOutput\":{\"AssembleWith\":\"Line\",\"Accept\":\"application/json\","
                + "\"S3OutputPath\":\"s3://my-bucket/out/mlb-y-a1\"}}}", body);
        // A trailing slash is not doubled.
        assertEquals("s3://b/out/j", new BatchPredictRequestFactory(mapper, "s3://b/out/", Map.of()).sageMakerOutputUri("j"));
    }

    @Test
    void openAiAndCohereBodiesFollowTheContract() {
        final BatchPredictRequestFactory factory = new BatchPredictRequestFactory(mapper, "s3://my-bucket/out/", Map.of());
        assertEquals("{\"parameters\":{\"input_file_id\":\"file-abc\",\"endpoint\":\"/v1/embeddings\","
                        + "\"metadata\":{\"job_name\":\"mlb-o-a1\",\"input_uri\":\"s3://my-bucket/prepared/part-0001.jsonl\"}}}",
                factory.openAi("file-abc", "mlb-o-a1", new InputObject("my-bucket", "prepared/part-0001.jsonl", "")).toString());
        assertEquals("{\"parameters\":{\"dataset_id\":\"ds-1\",\"name\":\"mlb-c-a1\"}}", factory.cohere("ds-1", "mlb-c-a1").toString());
        assertEquals("s3://my-bucket/out/mlb-o-a1/part-0001.jsonl.out", factory.hostedOutputUri("mlb-o-a1", "part-0001.jsonl.out"));
        // parameters may add keys (or choose another endpoint), after the processor's own.
        final var extra = new BatchPredictRequestFactory(mapper, "s3://b/out", Map.of("endpoint", "/v1/other", "completion_window", "24h"))
                .openAi("f", "j", new InputObject("b", "k", "")).get("parameters");
        assertEquals("/v1/other", extra.path("endpoint").asText());
        assertEquals("24h", extra.path("completion_window").asText());
    }

    @Test
    void parametersAreMergedAsJson() {
        final Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("TransformResources", Map.of("InstanceType", "ml.m5.xlarge", "InstanceCount", 2));
        extra.put("BatchStrategy", "SingleRecord");
        final BatchPredictRequestFactory factory = new BatchPredictRequestFactory(mapper, "s3://b/out", extra);
        final var parameters = factory.sageMaker("s3://b/m", "j").get("parameters");
        assertEquals(2, parameters.path("TransformResources").path("InstanceCount").asInt());
        assertEquals("ml.m5.xlarge", parameters.path("TransformResources").path("InstanceType").asText());
        assertEquals("SingleRecord", parameters.path("BatchStrategy").asText());
        assertEquals("j", parameters.path("TransformJobName").asText());
        final var bedrock = factory.bedrock(new InputObject("b", "k.jsonl", ""), "j").get("parameters");
        assertEquals("SingleRecord", bedrock.path("BatchStrategy").asText());
    }
}
