package dev.mlbatch.stack.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.opensearch.OpenSearchNode;
import dev.mlbatch.stack.s3.S3Store;
import dev.mlbatch.stack.sigv4.SignedHttpClient;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code stack status}: one {@link PartHealth} per part of the stack (OpenSearch, ML Commons, the model service, S3,
 * the SigV4 gateway, disk), each from what that part answers now.
 */
public final class StackHealth {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackHome home;
    private final OpenSearchNode node;

    public StackHealth(StackHome home, OpenSearchNode node) {
        this.home = home;
        this.node = node;
    }

    /** Checks every part, prints one block per part (and where the env file is); true when no part failed. */
    public boolean print(PrintStream out) {
        List<PartHealth> parts = check();
        parts.forEach(part -> part.print(out));
        if (StackEnv.read(home.envFile()).isPresent()) {
            out.println("env file: " + home.envFile());
        }
        return parts.stream().noneMatch(PartHealth::failed);
    }

    public List<PartHealth> check() {
        Optional<StackEnv> env = StackEnv.read(home.envFile());
        List<PartHealth> parts = new ArrayList<>();
        parts.add(openSearch(env));
        parts.add(mlCommons(env));
        parts.add(modelService(env));
        parts.add(s3(env));
        parts.add(gateway(env));
        parts.add(DiskSpace.read(home.root()));
        return parts;
    }

    private PartHealth openSearch(Optional<StackEnv> env) {
        OptionalLong pid = node.pid();
        boolean running = node.isRunning();
        Optional<String> url = openSearchUrl(env);
        if (url.isEmpty()) {
            return running ? PartHealth.of("opensearch", Verdict.FAIL, "running (pid " + pid.getAsLong() + "), address unknown",
                    List.of("do: ./mlbatch stack down && ./mlbatch stack up")) : notUp("opensearch");
        }
        if (!running) {
            return PartHealth.of("opensearch", Verdict.FAIL, "not running (" + url.get() + ")",
                    List.of("do: ./mlbatch stack up   (the node's log: " + home.openSearchLogs() + ")"));
        }
        String where = url.get() + " (pid " + pid.getAsLong() + ")";
        if (!node.answersAt(url.get())) {
            return PartHealth.of("opensearch", Verdict.FAIL, "process alive but not answering at " + where, List.of(
                    "do: look at " + home.openSearchLogs().resolve("mlbatch-local.log") + "; if it does not come up: "
                            + "./mlbatch stack down && ./mlbatch stack up"));
        }
        try {
            ClusterDiagnosis diagnosis = ClusterDiagnosis.read(new OpenSearchHttp(url.get()));
            return PartHealth.of("opensearch", diagnosis.verdict(), diagnosis.summary() + "; " + where, diagnosis.advice());
        } catch (RuntimeException e) {
            return PartHealth.of("opensearch", Verdict.FAIL, "answers at " + where + ", but its cluster health cannot be read: "
                    + e.getMessage(), List.of("do: look at " + home.openSearchLogs().resolve("mlbatch-local.log")));
        }
    }

    /** The env file's address; without one (a node {@code stack up} left running red) the node's configured one. */
    private Optional<String> openSearchUrl(Optional<StackEnv> env) {
        if (env.isPresent()) {
            return Optional.ofNullable(env.get().get(StackEnv.OPENSEARCH_URL));
        }
        return node.isRunning() ? node.configuredUrl() : Optional.empty();
    }

    private PartHealth mlCommons(Optional<StackEnv> env) {
        Optional<String> url = openSearchUrl(env);
        if (url.isEmpty()) {
            return notUp(StuckMlTasks.PART);
        }
        if (!node.answersAt(url.get())) {
            return PartHealth.of(StuckMlTasks.PART, Verdict.FAIL, "not asked: OpenSearch does not answer", List.of());
        }
        try {
            return StuckMlTasks.read(new OpenSearchHttp(url.get()), System.currentTimeMillis());
        } catch (RuntimeException e) {
            return PartHealth.of(StuckMlTasks.PART, Verdict.FAIL, "no answer: " + e.getMessage(), List.of());
        }
    }

    private PartHealth modelService(Optional<StackEnv> env) {
        if (env.isEmpty()) {
            return notUp("model-service");
        }
        String url = env.get().get(StackEnv.MODEL_SERVICE_URL);
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(URI.create(url + "/_mlbatch/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                JsonNode pid = JSON.readTree(r.body()).path("pid");
                return PartHealth.ok("model-service", "answers at " + url + (pid.canConvertToLong() ? " (pid " + pid.asLong() + ")" : ""));
            }
            return PartHealth.of("model-service", Verdict.FAIL, "GET " + url + "/_mlbatch/health gave HTTP " + r.statusCode(),
                    servicesAdvice());
        } catch (IOException e) {
            return PartHealth.of("model-service", Verdict.FAIL, "no answer at " + url + " (" + e + ")", servicesAdvice());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PartHealth.of("model-service", Verdict.FAIL, "interrupted", List.of());
        }
    }

    private PartHealth s3(Optional<StackEnv> env) {
        if (env.isEmpty()) {
            return notUp("s3");
        }
        String endpoint = env.get().get(StackEnv.S3_ENDPOINT);
        String bucket = env.get().get(StackEnv.S3_BUCKET);
        try (S3Store s3 = new S3Store(endpoint, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                LocalCredentials.REGION)) {
            s3.client().listObjectsV2(r -> r.bucket(bucket).maxKeys(1));
            return PartHealth.ok("s3", "bucket " + bucket + " listable at " + endpoint);
        } catch (RuntimeException e) {
            return PartHealth.of("s3", Verdict.FAIL, "cannot list bucket " + bucket + " at " + endpoint + ": " + e.getMessage(),
                    servicesAdvice());
        }
    }

    private PartHealth gateway(Optional<StackEnv> env) {
        if (env.isEmpty()) {
            return notUp("gateway");
        }
        String url = env.get().get(StackEnv.GATEWAY_URL);
        try {
            HttpResponse<String> r = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                    LocalCredentials.REGION, "es").send("GET", url + "/", null);
            if (r.statusCode() == 200) {
                return PartHealth.ok("gateway", "a signed GET / reached OpenSearch through " + url);
            }
            String body = r.body().length() > 200 ? r.body().substring(0, 200) + "..." : r.body();
            return PartHealth.of("gateway", Verdict.FAIL, "a signed GET / through " + url + " gave HTTP " + r.statusCode()
                    + " " + body.strip(), servicesAdvice());
        } catch (IOException | UncheckedIOException e) {
            return PartHealth.of("gateway", Verdict.FAIL, "no answer at " + url + " (" + e + ")", servicesAdvice());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PartHealth.of("gateway", Verdict.FAIL, "interrupted", List.of());
        }
    }

    /** S3, the model service and the gateway run in one JVM: one advice for all three. */
    private List<String> servicesAdvice() {
        return List.of("do: ./mlbatch stack up   (starts the services JVM again; its log: " + home.servicesLog() + ")");
    }

    private PartHealth notUp(String part) {
        return PartHealth.of(part, Verdict.FAIL, "the stack is not up (no " + home.envFile() + ")",
                part.equals("opensearch") ? List.of("do: ./mlbatch stack up") : List.of());
    }
}
