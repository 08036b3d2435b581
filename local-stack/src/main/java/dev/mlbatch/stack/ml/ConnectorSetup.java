package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.StackEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates, idempotently, the ML Commons connectors and remote models of the reference deployment,
 * pointed at the local model service: SageMaker and Bedrock, batch and real-time, and OpenAI and Cohere batch
 * (their files name the public APIs; the local copies point at the stand-ins). The connector
 * bodies are the readable files of {@code examples/connectors/} ({@code {{KEY}}} placeholders filled
 * from the env file). A connector whose rendered body is unchanged is reused with its model; a
 * changed one (e.g. the model service moved port) is replaced.
 */
public final class ConnectorSetup {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorSetup.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL_GROUP = "mlbatch-local";

    /** Connector file → env key of its model id. */
    public static final Map<String, String> CONNECTORS = orderedMap(
            "sagemaker-batch.json", StackEnv.SAGEMAKER_BATCH_MODEL_ID,
            "bedrock-batch.json", StackEnv.BEDROCK_BATCH_MODEL_ID,
            "sagemaker-realtime.json", StackEnv.SAGEMAKER_REALTIME_MODEL_ID,
            "bedrock-realtime.json", StackEnv.BEDROCK_REALTIME_MODEL_ID,
            "openai-batch.json", StackEnv.OPENAI_BATCH_MODEL_ID,
            "cohere-batch.json", StackEnv.COHERE_BATCH_MODEL_ID);

    /** The public API base URLs in the OpenAI and Cohere connector files, replaced by the stand-ins' for the local copy. */
    static final String OPENAI_PUBLIC_URL = "https://api.openai.com";
    static final String COHERE_PUBLIC_URL = "https://api.cohere.com";

    private final StackEnv env;
    private final OpenSearchHttp os;
    private final Path connectorsDir;

    /** @param connectorsDir folder of connector JSON files, or null to use the copies inside the jar */
    public ConnectorSetup(StackEnv env, Path connectorsDir) {
        this.env = env;
        this.os = new OpenSearchHttp(env.get(StackEnv.OPENSEARCH_URL));
        this.connectorsDir = connectorsDir;
    }

    /** {@code MLBATCH_CONNECTORS_DIR} if set, else the bundled copies. */
    public static Path defaultConnectorsDir() {
        String dir = System.getenv("MLBATCH_CONNECTORS_DIR");
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    /** Creates what is missing, writes the model ids into the env file and returns the updated env. */
    public StackEnv run(Path envFile, PrintStream out) throws IOException, InterruptedException {
        String groupId = modelGroup();
        // An env file written before the OpenAI/Cohere stand-ins existed lacks their entries; they follow from the URL.
        StackEnv updated = env.with(StackEnv.OPENAI_URL, openAiUrl()).with(StackEnv.COHERE_URL, cohereUrl())
                .with(StackEnv.OPENAI_API_KEY, key(StackEnv.OPENAI_API_KEY, LocalCredentials.OPENAI_API_KEY))
                .with(StackEnv.COHERE_API_KEY, key(StackEnv.COHERE_API_KEY, LocalCredentials.COHERE_API_KEY));
        for (Map.Entry<String, String> entry : CONNECTORS.entrySet()) {
            ObjectNode connector = render(entry.getKey());
            String connectorId = ensureConnector(connector);
            String modelId = ensureModel(connector.get("name").asText(), connectorId, groupId);
            String prefix = entry.getValue().substring(0, entry.getValue().length() - "_MODEL_ID".length());
            updated = updated.with(entry.getValue(), modelId).with(prefix + "_CONNECTOR_ID", connectorId);
            out.printf("%-36s model %s  (connector %s)%n", entry.getValue(), modelId, connectorId);
        }
        updated.write(envFile);
        out.println("model ids written to " + envFile);
        return updated;
    }

    ObjectNode render(String file) throws IOException {
        String text;
        if (connectorsDir != null) {
            text = Files.readString(connectorsDir.resolve(file), StandardCharsets.UTF_8);
        } else {
            try (InputStream in = ConnectorSetup.class.getResourceAsStream("/mlbatch/connectors/" + file)) {
                if (in == null) {
                    throw new IOException("connector definition " + file + " is not on the class path");
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        // The OpenAI and Cohere files name the public APIs (usable as they are with a real key); the local copy points
        // at the stand-ins, whose paths below the base URL are the same.
        text = text.replace(OPENAI_PUBLIC_URL, openAiUrl()).replace(COHERE_PUBLIC_URL, cohereUrl());
        Map<String, String> values = Map.of(
                "OPENAI_API_KEY", key(StackEnv.OPENAI_API_KEY, LocalCredentials.OPENAI_API_KEY),
                "COHERE_API_KEY", key(StackEnv.COHERE_API_KEY, LocalCredentials.COHERE_API_KEY),
                "MODEL_SERVICE_URL", env.get(StackEnv.MODEL_SERVICE_URL),
                "AWS_ACCESS_KEY_ID", env.get("AWS_ACCESS_KEY_ID"),
                "AWS_SECRET_ACCESS_KEY", env.get("AWS_SECRET_ACCESS_KEY"),
                "AWS_REGION", env.get("AWS_REGION"),
                "S3_BUCKET", env.get(StackEnv.S3_BUCKET));
        for (Map.Entry<String, String> v : values.entrySet()) {
            text = text.replace("{{" + v.getKey() + "}}", v.getValue());
        }
        if (text.contains("{{")) {
            throw new IOException(file + " has an unknown {{placeholder}}");
        }
        ObjectNode connector = (ObjectNode) JSON.readTree(text);
        // The fingerprint of the rendered body tells a reusable connector from a stale one.
        connector.put("description", connector.path("description").asText() + " [mlbatch:" + fingerprint(text) + "]");
        return connector;
    }

    private String openAiUrl() {
        String url = env.get(StackEnv.OPENAI_URL);
        return url != null ? url : env.get(StackEnv.MODEL_SERVICE_URL) + "/openai";
    }

    private String cohereUrl() {
        String url = env.get(StackEnv.COHERE_URL);
        return url != null ? url : env.get(StackEnv.MODEL_SERVICE_URL) + "/cohere";
    }

    private String key(String envKey, String fallback) {
        String value = env.get(envKey);
        return value != null ? value : fallback;
    }

    private String ensureConnector(ObjectNode connector) {
        String name = connector.get("name").asText();
        String description = connector.get("description").asText();
        String keep = null;
        for (JsonNode hit : search("/_plugins/_ml/connectors/_search")) {
            JsonNode source = hit.path("_source");
            if (!name.equals(source.path("name").asText())) {
                continue;
            }
            if (keep == null && description.equals(source.path("description").asText())) {
                keep = hit.path("_id").asText();
            } else {
                removeConnector(hit.path("_id").asText());
            }
        }
        if (keep != null) {
            return keep;
        }
        String id = os.post("/_plugins/_ml/connectors/_create", connector).orThrow("create connector " + name)
                .path("connector_id").asText();
        LOG.info("created connector {} ({})", name, id);
        return id;
    }

    private void removeConnector(String connectorId) {
        for (JsonNode model : modelsOf(connectorId)) {
            String modelId = model.path("_id").asText();
            os.post("/_plugins/_ml/models/" + modelId + "/_undeploy", null);
            deleteModel(modelId);
        }
        os.delete("/_plugins/_ml/connectors/" + connectorId);
        LOG.info("removed stale connector {}", connectorId);
    }

    private String ensureModel(String name, String connectorId, String groupId) throws InterruptedException {
        List<JsonNode> models = modelsOf(connectorId);
        for (JsonNode model : models) {
            if ("DEPLOYED".equals(model.path("_source").path("model_state").asText())) {
                return model.path("_id").asText();
            }
        }
        for (JsonNode model : models) {
            String modelId = model.path("_id").asText();
            if (deploy(modelId)) {
                return modelId;
            }
            // A model that will not deploy (e.g. left DEPLOY_FAILED by an earlier node) is replaced.
            deleteModel(modelId);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("function_name", "remote");
        body.put("model_group_id", groupId);
        body.put("description", "mlbatch local stack: " + name);
        body.put("connector_id", connectorId);
        String modelId = os.post("/_plugins/_ml/models/_register", body).orThrow("register model " + name).path("model_id").asText();
        LOG.info("registered model {} ({})", name, modelId);
        if (!deploy(modelId)) {
            throw new IllegalStateException("model " + modelId + " did not reach DEPLOYED in 60 s");
        }
        return modelId;
    }

    /** Deletes a model; its unfinished batch tasks could never be read again, so they are failed first. */
    private void deleteModel(String modelId) {
        new UnfinishedBatchTasks(os).failOfModels(Set.of(modelId), "mlbatch setup replaced model " + modelId
                + " (its connector changed); this task can no longer be followed");
        os.delete("/_plugins/_ml/models/" + modelId);
    }

    /** Deploys a model and waits for DEPLOYED; false if it does not get there in 60 s. */
    private boolean deploy(String modelId) throws InterruptedException {
        if ("DEPLOYED".equals(os.get("/_plugins/_ml/models/" + modelId).body().path("model_state").asText())) {
            return true;
        }
        if (!os.post("/_plugins/_ml/models/" + modelId + "/_deploy", null).ok()) {
            return false;
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            String state = os.get("/_plugins/_ml/models/" + modelId).body().path("model_state").asText();
            if ("DEPLOYED".equals(state)) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private String modelGroup() {
        for (JsonNode hit : search("/_plugins/_ml/model_groups/_search")) {
            if (MODEL_GROUP.equals(hit.path("_source").path("name").asText())) {
                return hit.path("_id").asText();
            }
        }
        return os.post("/_plugins/_ml/model_groups/_register", Map.of("name", MODEL_GROUP,
                        "description", "models of the mlbatch local stack"))
                .orThrow("register model group").path("model_group_id").asText();
    }

    /** Models registered on a connector (filtered here: connector_id is not a keyword field). */
    private List<JsonNode> modelsOf(String connectorId) {
        return search("/_plugins/_ml/models/_search").stream()
                .filter(hit -> connectorId.equals(hit.path("_source").path("connector_id").asText()))
                .toList();
    }

    /** All hits of an ML index search; a missing index (nothing created yet) is no hits. */
    private List<JsonNode> search(String path) {
        OpenSearchHttp.Answer answer = os.post(path, Map.of("query", Map.of("match_all", Map.of()), "size", 1000));
        return answer.ok() ? listOf(answer.body().path("hits").path("hits")) : List.of();
    }

    private static List<JsonNode> listOf(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static String fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
