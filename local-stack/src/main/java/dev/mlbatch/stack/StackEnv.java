package dev.mlbatch.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The env file {@code .mlbatch/stack.env}: {@code KEY=VALUE} lines naming every endpoint, the local
 * credentials and (after {@code setup}) the ML Commons model ids. {@code ./mlbatch run} and the test
 * API read it.
 */
public final class StackEnv {

    public static final String OPENSEARCH_URL = "MLBATCH_OPENSEARCH_URL";
    public static final String GATEWAY_URL = "MLBATCH_GATEWAY_URL";
    public static final String S3_ENDPOINT = "MLBATCH_S3_ENDPOINT";
    /** The same S3 for virtual-hosted-style clients, as {@code http://s3.localhost:<port>} (a hosts file must resolve it). */
    public static final String S3_VIRTUAL_HOSTED_ENDPOINT = "MLBATCH_S3_VIRTUAL_HOSTED_ENDPOINT";
    public static final String S3_BUCKET = "MLBATCH_S3_BUCKET";
    public static final String MODEL_SERVICE_URL = "MLBATCH_MODEL_SERVICE_URL";
    public static final String SAGEMAKER_URL = "MLBATCH_SAGEMAKER_URL";
    public static final String BEDROCK_URL = "MLBATCH_BEDROCK_URL";
    /** The OpenAI stand-in's base URL ({@code <model service>/openai}; paths below it are {@code /v1/...}). */
    public static final String OPENAI_URL = "MLBATCH_OPENAI_URL";
    /** The Cohere stand-in's base URL ({@code <model service>/cohere}). */
    public static final String COHERE_URL = "MLBATCH_COHERE_URL";
    public static final String OPENAI_API_KEY = "MLBATCH_OPENAI_API_KEY";
    public static final String COHERE_API_KEY = "MLBATCH_COHERE_API_KEY";
    public static final String OPENAI_BATCH_MODEL_ID = "MLBATCH_OPENAI_BATCH_MODEL_ID";
    public static final String COHERE_BATCH_MODEL_ID = "MLBATCH_COHERE_BATCH_MODEL_ID";
    public static final String SAGEMAKER_BATCH_MODEL_ID = "MLBATCH_SAGEMAKER_BATCH_MODEL_ID";
    public static final String BEDROCK_BATCH_MODEL_ID = "MLBATCH_BEDROCK_BATCH_MODEL_ID";
    public static final String SAGEMAKER_REALTIME_MODEL_ID = "MLBATCH_SAGEMAKER_REALTIME_MODEL_ID";
    public static final String BEDROCK_REALTIME_MODEL_ID = "MLBATCH_BEDROCK_REALTIME_MODEL_ID";

    private final Map<String, String> values;

    public StackEnv(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
    }

    public static Optional<StackEnv> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return Optional.of(new StackEnv(values));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# written by `mlbatch stack up` / `mlbatch setup`; local-only endpoints and credentials\n");
        values.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public String get(String key) {
        return values.get(key);
    }

    public StackEnv with(String key, String value) {
        StackEnv copy = new StackEnv(values);
        copy.values.put(key, value);
        return copy;
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
