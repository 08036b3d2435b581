package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * An estimated cost of one batch job from a {@link PriceTable}: SageMaker instance count x instance-hours (start to
 * end, or to now while it runs) x the instance type's price; Bedrock input tokens / 1,000 x the model's price, with the
 * tokens from the job's {@code manifest.json.out} (Bedrock reports them nowhere else). OpenAI and Cohere report no
 * token counts in their job status, so their cost stays unknown. {@code amount} is null when unknown, {@code why}
 * then says what was missing.
 */
public record JobCost(Double amount, String why) {

    public static JobCost unknown(String why) {
        return new JobCost(null, why);
    }

    public boolean known() {
        return amount != null;
    }

    public static JobCost estimate(JsonNode job, JobProgress progress, PriceTable prices, OptionalLong inputTokens, Instant now) {
        switch (progress.provider()) {
            case SAGEMAKER -> {
                String type = job.path("TransformResources").path("InstanceType").asText("");
                long count = job.path("TransformResources").path("InstanceCount").asLong(0);
                if (type.isEmpty() || count <= 0) {
                    return unknown("no TransformResources");
                }
                var price = prices.perInstanceHour(type);
                if (price.isEmpty()) {
                    return unknown("no price for sagemaker " + type);
                }
                var elapsed = progress.elapsed(now);
                if (elapsed.isEmpty()) {
                    return unknown("not started");
                }
                return new JobCost(count * (elapsed.get().toMillis() / 3_600_000.0) * price.getAsDouble(), null);
            }
            case BEDROCK -> {
                String model = job.path("modelId").asText("");
                var price = prices.per1kInputTokens("bedrock", model);
                if (price.isEmpty()) {
                    return unknown("no price for bedrock " + model);
                }
                if (inputTokens.isEmpty()) {
                    return unknown("no token count yet (manifest.json.out)");
                }
                return new JobCost(inputTokens.getAsLong() / 1000.0 * price.getAsDouble(), null);
            }
            case OPENAI, COHERE -> {
                return unknown("the provider's job status has no token count");
            }
            default -> {
                return unknown("unknown provider");
            }
        }
    }
}
