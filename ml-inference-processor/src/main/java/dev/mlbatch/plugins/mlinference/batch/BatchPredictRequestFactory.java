package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The {@code _batch_predict} bodies, per service exactly as upstream's processor sends them, with the
 * {@code parameters} option merged in (it may only add keys; the config rejects the ones set here).
 */
public final class BatchPredictRequestFactory {
    private final ObjectMapper mapper;
    private final String outputPath;
    private final Map<String, Object> extraParameters;

    public BatchPredictRequestFactory(final ObjectMapper mapper, final String outputPath, final Map<String, Object> extraParameters) {
        this.mapper = mapper;
        this.outputPath = outputPath;
        this.extraParameters = extraParameters;
    }

    /** Bedrock: one CreateModelInvocationJob per input object; Bedrock adds {@code <jobId>/} under the output URI itself. */
    public ObjectNode bedrock(final InputObject input, final String jobName) {
        final ObjectNode body = mapper.createObjectNode();
        final ObjectNode parameters = body.putObject("parameters");
        parameters.putObject("inputDataConfig").putObject("s3InputDataConfig").put("s3Uri", input.s3Uri());
        parameters.put("jobName", jobName);
        parameters.putObject("outputDataConfig").putObject("s3OutputDataConfig").put("s3Uri", outputPath);
        mergeExtras(parameters);
        return body;
    }

    /** SageMaker: one CreateTransformJob over a manifest; output under {@code <output_path>/<job name>}. */
    public ObjectNode sageMaker(final String manifestUri, final String jobName) {
        final ObjectNode body = mapper.createObjectNode();
        final ObjectNode parameters = body.putObject("parameters");
        final ObjectNode input = parameters.putObject("TransformInput");
        input.put("ContentType", "application/json");
        input.putObject("DataSource").putObject("S3DataSource").put("S3DataType", "ManifestFile").put("S3Uri", manifestUri);
        input.put("SplitType", "Line");
        parameters.put("TransformJobName", jobName);
        final ObjectNode output = parameters.putObject("TransformOutput");
        output.put("AssembleWith", "Line");
        output.put("Accept", "application/json");
        output.put("S3OutputPath", sageMakerOutputUri(jobName));
        mergeExtras(parameters);
        return body;
    }

    /**
     * OpenAI: one batch over the uploaded file. {@code metadata} carries the job name (so the task is found by
     * {@code remote_job.metadata.job_name}) and the input object; the connector passes it on as {@code ${parameters.metadata}}.
     * {@code endpoint} is {@code /v1/embeddings} unless {@code parameters} sets another.
     */
    public ObjectNode openAi(final String inputFileId, final String jobName, final InputObject input) {
        final ObjectNode body = mapper.createObjectNode();
        final ObjectNode parameters = body.putObject("parameters");
        parameters.put("input_file_id", inputFileId);
        parameters.put("endpoint", "/v1/embeddings");
        parameters.putObject("metadata").put("job_name", jobName).put("input_uri", input.s3Uri());
        mergeExtras(parameters);
        return body;
    }

    /** Cohere: one embed job over the validated dataset, named after the job (found by {@code remote_job.name}). */
    public ObjectNode cohere(final String datasetId, final String jobName) {
        final ObjectNode body = mapper.createObjectNode();
        final ObjectNode parameters = body.putObject("parameters");
        parameters.put("dataset_id", datasetId);
        parameters.put("name", jobName);
        mergeExtras(parameters);
        return body;
    }

    public String sageMakerOutputUri(final String jobName) {
        return outputPath + (outputPath.endsWith("/") ? "" : "/") + jobName;
    }

    /** OpenAI / Cohere: where the processor copies a job's outputs, {@code <output_path>/<job name>/<file>}. */
    public String hostedOutputUri(final String jobName, final String fileName) {
        return outputPath + (outputPath.endsWith("/") ? "" : "/") + jobName + "/" + fileName;
    }

    public String bedrockOutputUri() {
        return outputPath;
    }

    /** Where a Bedrock job writes: {@code <output_path>/<job id>/}, the job id being the last segment of its ARN. */
    public String bedrockJobOutputUri(final String jobArn) {
        if (jobArn == null || jobArn.isEmpty()) {
            return outputPath;
        }
        return outputPath + (outputPath.endsWith("/") ? "" : "/") + jobArn.substring(jobArn.lastIndexOf('/') + 1) + "/";
    }

    private void mergeExtras(final ObjectNode parameters) {
        extraParameters.forEach((name, value) -> parameters.set(name, mapper.valueToTree(value)));
    }
}
