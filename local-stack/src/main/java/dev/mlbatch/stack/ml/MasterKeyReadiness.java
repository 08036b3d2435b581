package dev.mlbatch.stack.ml;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Waits until ML Commons of a node started moments ago can encrypt and decrypt connector credentials. Cluster health
 * turns yellow before ML Commons has read its master key; until it has, every call that touches a connector
 * (create, predict, {@code _batch_predict}, a batch task read) answers HTTP 500 "Fetching master key timed out."
 * A throwaway connector with a credential is created (which makes ML Commons fetch the key, or create it on a new
 * node) until that succeeds, and removed again.
 */
public final class MasterKeyReadiness {

    private static final Logger LOG = LoggerFactory.getLogger(MasterKeyReadiness.class);
    private static final String PROBE_NAME = "mlbatch-master-key-probe";

    private final OpenSearchHttp os;

    public MasterKeyReadiness(OpenSearchHttp os) {
        this.os = os;
    }

    /**
     * Returns once a connector with a credential could be created; throws an {@link IOException} naming the
     * last answer when that did not happen within {@code timeout}, or at once on an answer that waiting cannot mend.
     */
    public void await(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int attempt = 1; ; attempt++) {
            OpenSearchHttp.Answer created = os.post("/_plugins/_ml/connectors/_create", probeConnector());
            if (created.ok()) {
                os.delete("/_plugins/_ml/connectors/" + created.body().path("connector_id").asText());
                if (attempt > 1) {
                    LOG.info("ML Commons has its master key after {} tries", attempt);
                }
                return;
            }
            if (!notReadyYet(created) || System.nanoTime() > deadline) {
                throw new IOException("ML Commons cannot encrypt connector credentials (HTTP " + created.status()
                        + " " + created.body() + " after " + attempt + " tries); the node log under the state folder's"
                        + " opensearch/logs says why");
            }
            LOG.info("ML Commons not ready for connectors yet (HTTP {}): try {}", created.status(), attempt);
            Thread.sleep(1000);
        }
    }

    /** 5xx: the key is not fetched yet or the config index is still recovering. A 4xx is a mistake of ours. */
    private static boolean notReadyYet(OpenSearchHttp.Answer answer) {
        return answer.status() >= 500 || answer.status() == 429;
    }

    private static Map<String, Object> probeConnector() {
        return Map.of(
                "name", PROBE_NAME,
                "description", "created and removed by stack up to check that ML Commons has its master key",
                "version", "1",
                "protocol", "http",
                "parameters", Map.of(),
                "credential", Map.of("probe", "not-a-secret"),
                "actions", List.of(Map.of(
                        "action_type", "predict",
                        "method", "POST",
                        "url", "http://127.0.0.1:9/",
                        "request_body", "{}")));
    }
}
