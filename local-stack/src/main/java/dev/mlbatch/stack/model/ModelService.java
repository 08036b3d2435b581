package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.http.HttpCall;
import dev.mlbatch.stack.http.LoopbackHttpServer;
import dev.mlbatch.stack.http.PublicLoopbackAddress;
import dev.mlbatch.stack.http.Reply;
import dev.mlbatch.stack.s3.S3Store;
import dev.mlbatch.stack.sigv4.SigV4Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The local model service: one HTTP server answering SageMaker (batch transform and endpoint invocations) and
 * Bedrock (batch inference and InvokeModel) calls, every one SigV4-verified, and the OpenAI Files/Batch API and
 * Cohere Datasets/Embed Jobs under {@code /openai/v1/...} and {@code /cohere/v1/...} (bearer keys), with
 * all-MiniLM-L6-v2 behind all of them.
 *
 * <p>Routes (a {@code /sagemaker} or {@code /bedrock} path prefix is optional, but ML Commons needs
 * it to generate default status/cancel actions): {@code POST [/sagemaker]/<Operation>} or
 * {@code POST /} with {@code X-Amz-Target: SageMaker.<Operation>}; {@code POST
 * [/sagemaker]/endpoints/<name>/invocations}; Bedrock's restJson paths
 * ({@code /model-invocation-job}, {@code /model-invocation-job/<id|arn>[/stop]},
 * {@code /model-invocation-jobs}, {@code /model/<modelId>/invoke}). Unsigned admin routes:
 * {@code GET /_mlbatch/health}, {@code GET|PUT /_mlbatch/config}.
 */
public final class ModelService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Next to the files folder: the SageMaker and Bedrock jobs, see {@link ProviderJobJournal}. */
    public static final String JOB_JOURNAL = "model-service-jobs.jsonl";

    private final SigV4Verifier verifier;
    private final SageMakerApi sageMaker;
    private final BedrockApi bedrock;
    private final OpenAiApi openAi;
    private final CohereApi cohere;
    private final StoredFiles storedFiles;
    private final FaultInjector faults = new FaultInjector();
    private final JobPool pool;
    private final ProviderJobJournal journal;
    private final S3Store s3;
    private final AtomicReference<ModelServiceConfig> config = new AtomicReference<>();
    private final LoopbackHttpServer server;

    public ModelService(int port, String s3Endpoint, MiniLmModel model, ModelServiceConfig initial) throws IOException {
        this(port, s3Endpoint, model, initial, null);
    }

    /**
     * @param filesDir where the OpenAI files and Cohere dataset parts are kept (emptied now: the jobs naming them live
     *                 in memory only), or null for a temporary folder removed at {@link #close()}; the SageMaker and
     *                 Bedrock jobs are kept next to it in {@value #JOB_JOURNAL} (with null: in memory only)
     */
    public ModelService(int port, String s3Endpoint, MiniLmModel model, ModelServiceConfig initial, Path filesDir)
            throws IOException {
        Clock clock = Clock.systemUTC();
        ModelServiceConfig cfg = initial.withDefaults();
        config.set(cfg);
        faults.configure(cfg.faults());
        verifier = SigV4Verifier.forLocalStack(Set.of("sagemaker", "bedrock"), Duration.ofMinutes(15));
        s3 = new S3Store(s3Endpoint, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, LocalCredentials.REGION);
        pool = new JobPool(cfg.jobParallelism());
        DjlTextEmbedding djl = new DjlTextEmbedding(model);
        TitanEmbedding titan = new TitanEmbedding(model);
        // The SageMaker and Bedrock jobs outlive a restart, as AWS's do; OpenAI's and Cohere's live in memory only.
        journal = filesDir == null ? ProviderJobJournal.none()
                : ProviderJobJournal.at(filesDir.resolveSibling(JOB_JOURNAL));
        sageMaker = new SageMakerApi(new TransformJobRunner(s3, djl, faults, () -> config.get().stateDelayMillis(), clock),
                pool, djl, faults, clock, journal);
        bedrock = new BedrockApi(new BedrockJobRunner(s3, titan, faults, () -> config.get().stateDelayMillis(),
                () -> config.get().bedrock(), clock), pool, titan, faults, () -> config.get().bedrock(), clock, journal);
        storedFiles = filesDir == null ? StoredFiles.inTempFolder() : new StoredFiles(filesDir, false);
        openAi = new OpenAiApi(storedFiles, new OpenAiBatchRunner(storedFiles, model, faults,
                () -> config.get().stateDelayMillis(), clock), pool, faults, LocalCredentials.OPENAI_API_KEY, clock);
        AtomicReference<String> cohereBase = new AtomicReference<>();
        cohere = new CohereApi(storedFiles, new CohereJobRunner(storedFiles, model, faults,
                () -> config.get().stateDelayMillis(), clock), pool, model, faults, LocalCredentials.COHERE_API_KEY,
                cohereBase::get, clock);
        server = new LoopbackHttpServer("model-service", port, 8, this::handle).start();
        // OpenAI and Cohere are also served on a loopback alias ML Commons' http connectors may call (see
        // PublicLoopbackAddress); their dataset download URLs use it too.
        final Optional<InetAddress> alias = PublicLoopbackAddress.ensure();
        if (alias.isPresent()) {
            server.alsoOn(alias.get());
        }
        final String hostedBase = alias.map(a -> "http://" + a.getHostAddress() + ":" + server.port()).orElse(server.url());
        cohereBase.set(hostedBase + "/cohere");
        LOG.info("model service listening on {}{}", server.url(), alias.map(a -> " and " + hostedBase + " (OpenAI, Cohere)").orElse(""));
    }

    public String url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }

    public ModelServiceConfig config() {
        return config.get();
    }

    public void configure(ModelServiceConfig next) {
        ModelServiceConfig cfg = next.withDefaults();
        config.set(cfg);
        faults.configure(cfg.faults());
        pool.setParallelism(cfg.jobParallelism());
        LOG.info("model service config replaced: parallelism {}, state delay {} ms, bedrock quotas {}, {} fault rule(s)",
                cfg.jobParallelism(), cfg.stateDelayMillis(), cfg.bedrock(), cfg.faults().size());
    }

    Reply handle(HttpCall call) {
        String path = call.rawPath();
        if (path.startsWith("/_mlbatch/")) {
            return admin(call);
        }
        // OpenAI and Cohere authenticate with bearer keys, not SigV4.
        if (path.startsWith("/openai/")) {
            return openAi.handle(call.method(), path.substring("/openai".length()), call);
        }
        if (path.startsWith("/cohere/")) {
            return cohere.handle(call.method(), path.substring("/cohere".length()), call);
        }
        boolean isBedrock = path.startsWith("/bedrock/") || path.startsWith("/model-invocation-job") || path.startsWith("/model/");
        String provider = isBedrock ? "bedrock" : "sagemaker";
        SigV4Verifier.Verdict verdict = verifier.verify(call);
        if (verdict.ok() && !provider.equals(verdict.service())) {
            verdict = new SigV4Verifier.Verdict(SigV4Verifier.Failure.WRONG_SERVICE,
                    "Credential should be scoped to correct service: '" + provider + "'.", verdict.accessKey(),
                    verdict.service(), verdict.region());
        }
        if (!verdict.ok()) {
            LOG.info("refused {} {}: {}", call.method(), path, verdict.failure());
            String code = switch (verdict.failure()) {
                case MISSING_AUTH -> "MissingAuthenticationTokenException";
                case UNKNOWN_KEY, INVALID_TOKEN -> "UnrecognizedClientException";
                case MALFORMED -> "IncompleteSignatureException";
                default -> "InvalidSignatureException";
            };
            return isBedrock ? AwsErrorReply.bedrock(403, code, verdict.message())
                    : AwsErrorReply.sageMaker(403, code, verdict.message());
        }
        if (isBedrock) {
            String rest = path.startsWith("/bedrock/") ? path.substring("/bedrock".length()) : path;
            return bedrock.handle(call.method(), rest, call);
        }
        return sageMaker.handle(sageMakerOperation(call), call);
    }

    static String sageMakerOperation(HttpCall call) {
        String target = call.header("x-amz-target").orElse(null);
        if (target != null && target.contains(".")) {
            return target.substring(target.lastIndexOf('.') + 1);
        }
        String path = call.rawPath();
        if (path.matches(".*/endpoints/[^/]+/invocations$")) {
            return "InvokeEndpoint";
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private Reply admin(HttpCall call) {
        try {
            return switch (call.method() + " " + call.rawPath()) {
                // pid: lets `stack up` tell this stack's services JVM from another one answering on the port.
                case "GET /_mlbatch/health" -> Reply.json(200, Map.of("status", "ok", "pid", ProcessHandle.current().pid(),
                        "sagemakerJobs", sageMaker.jobs().size(), "bedrockJobs", bedrock.jobs().size(),
                        "openaiBatches", openAi.batches().size(), "cohereEmbedJobs", cohere.jobs().size()));
                case "GET /_mlbatch/config" -> Reply.json(200, config.get());
                case "PUT /_mlbatch/config", "POST /_mlbatch/config" -> {
                    configure(JSON.readValue(call.body(), ModelServiceConfig.class));
                    yield Reply.json(200, config.get());
                }
                default -> Reply.json(404, Map.of("message", "no such admin route"));
            };
        } catch (IOException e) {
            return Reply.json(400, Map.of("message", "invalid config: " + e.getMessage()));
        }
    }

    @Override
    public void close() {
        server.close();
        journal.close();
        pool.close();
        cohere.close();
        s3.close();
        storedFiles.close();
    }
}
