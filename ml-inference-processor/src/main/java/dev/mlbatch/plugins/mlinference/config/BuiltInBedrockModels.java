package dev.mlbatch.plugins.mlinference.config;

import java.util.Set;

/**
 * The Bedrock model ids upstream ships built-in connectors for. With {@code service_name: bedrock} and one of
 * these as {@code model_id}, the processor calls Bedrock directly instead of ML Commons (upstream's names and
 * rule: {@code aws.job_sts_role_arn} is then required and sent as {@code roleArn}; {@code host} is not needed).
 */
public final class BuiltInBedrockModels {
    public static final Set<String> MODEL_IDS = Set.of(
            "amazon.titan-embed-text-v2:0",
            "amazon.titan-embed-image-v1",
            "amazon.nova-2-multimodal-embeddings-v1:0");

    private BuiltInBedrockModels() {
    }

    public static boolean isBuiltIn(final String modelId) {
        return modelId != null && MODEL_IDS.contains(modelId);
    }

    /** For messages: the ids, sorted. */
    public static String list() {
        return String.join(", ", MODEL_IDS.stream().sorted().toList());
    }
}
