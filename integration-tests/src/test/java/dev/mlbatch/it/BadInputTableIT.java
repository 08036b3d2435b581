package dev.mlbatch.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.plugins.mlinference.batch.InputFiles;
import dev.mlbatch.plugins.mlinference.batch.InputObject;
import dev.mlbatch.plugins.mlinference.batch.InputScreener;
import dev.mlbatch.plugins.mlinference.batch.RecordScreen;
import dev.mlbatch.plugins.mlinference.client.MlCommonsClient;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import dev.mlbatch.plugins.mlinference.client.SigV4Authenticator;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.runtime.DataPrepperRuntime;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Tables 1 and 2 of {@link BadInputTableTest}, plus table 3: AWS-side failures against the real local stack. Calls
 * to ML Commons go through the SigV4 gateway in front of the real OpenSearch node with ml_inference's own client
 * and signer; S3 failures go through the runtime and our s3 source (and ml_inference's input screen) to the stack's
 * S3 server. Each row asserts the message names what is wrong and where, and that no secret key, session token or
 * signature is in it or in the log. The line printed at the end counts all three tables.
 */
@ExtendWith(LocalStackExtension.class)
class BadInputTableIT extends BadInputTableTest {
    /** A session token the gateway never issued; it must not be shown either. */
    static final String SESSION_TOKEN = "FwoGZXIvYXdzEBadInputSessionToken" + UUID.randomUUID().toString().replace("-", "");
    static final String WRONG_SECRET = "wrong-secret-" + UUID.randomUUID();

    /** What one AWS-side call reported: the message, and whether anything it was given went missing. */
    record Outcome(String message, boolean lost) {
    }

    /** One failure: what to do against the stack, and the words its message must hold ({stack values} filled in). */
    record AwsCase(String name, Function<LocalStack, Outcome> call, Function<LocalStack, List<String>> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static MlCommonsClient client(final LocalStack stack, final AwsCredentials credentials, final String region, final Clock clock) {
        SECRETS.add(stack.secretAccessKey());
        return new MlCommonsClient(URI.create(stack.gatewayUrl()), ApacheHttpClient.create(),
                new SigV4Authenticator(StaticCredentialsProvider.create(credentials), region, false, clock), JSON);
    }

    static AwsCredentials good(final LocalStack stack) {
        return AwsBasicCredentials.create(stack.accessKeyId(), stack.secretAccessKey());
    }

    /** A call that must fail with an ML Commons / gateway error; its message is the outcome. */
    static Outcome mlCommons(final MlCommonsClient client, final MlCall call) {
        try {
            call.run(client);
            return new Outcome("the call succeeded", false);
        } catch (final MlCommonsException e) {
            return new Outcome(e.getMessage(), false);
        }
    }

    interface MlCall {
        void run(MlCommonsClient client) throws MlCommonsException;
    }

    /** A job request naming an input that exists nowhere: no job can start even if the model were found. */
    static ObjectNode batchBody() {
        final ObjectNode body = JSON.createObjectNode();
        body.putObject("parameters").put("TransformJobName", "bad-input-" + UUID.randomUUID());
        return body;
    }

    static final String NO_TASK = "bad-input-no-such-task";
    static final String NO_MODEL = "badInputNoSuchModel01";

    static Stream<AwsCase> awsSide() {
        return Stream.of(
                new AwsCase("gateway: wrong secret key",
                        stack -> mlCommons(client(stack, AwsBasicCredentials.create(stack.accessKeyId(), WRONG_SECRET), stack.region(),
                                Clock.systemUTC()), c -> c.getTask(NO_TASK)),
                        stack -> List.of("HTTP 403", "signature", "/_plugins/_ml/tasks/" + NO_TASK, stack.gatewayUrl())),
                new AwsCase("gateway: unknown access key id",
                        stack -> mlCommons(client(stack, AwsBasicCredentials.create("AKIABADINPUT00000000", stack.secretAccessKey()), stack.region(),
                                Clock.systemUTC()), c -> c.getTask(NO_TASK)),
                        stack -> List.of("HTTP 403", "security token", "/_plugins/_ml/tasks/" + NO_TASK, stack.gatewayUrl())),
                new AwsCase("gateway: wrong region",
                        stack -> mlCommons(client(stack, good(stack), "eu-west-3", Clock.systemUTC()), c -> c.getTask(NO_TASK)),
                        stack -> List.of("HTTP 403", "eu-west-3", "region eu-west-3", stack.gatewayUrl())),
                new AwsCase("gateway: signature expired (signed with a clock 20 minutes behind)",
                        stack -> mlCommons(client(stack, good(stack), stack.region(), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20))),
                                c -> c.getTask(NO_TASK)),
                        stack -> List.of("HTTP 403", "Signature expired", "/_plugins/_ml/tasks/" + NO_TASK, stack.gatewayUrl())),
                new AwsCase("gateway: session token it never issued",
                        stack -> mlCommons(client(stack, AwsSessionCredentials.create(stack.accessKeyId(), stack.secretAccessKey(), SESSION_TOKEN),
                                stack.region(), Clock.systemUTC()), c -> c.getTask(NO_TASK)),
                        stack -> List.of("HTTP 403", "token", stack.gatewayUrl())),
                new AwsCase("ML Commons: unknown model id (batch_predict)",
                        stack -> mlCommons(client(stack, good(stack), stack.region(), Clock.systemUTC()), c -> c.batchPredict(NO_MODEL, batchBody())),
                        stack -> List.of("HTTP 404", "Failed to find model", "/_plugins/_ml/models/" + NO_MODEL + "/_batch_predict", stack.gatewayUrl())),
                new AwsCase("ML Commons: unknown task id",
                        stack -> mlCommons(client(stack, good(stack), stack.region(), Clock.systemUTC()), c -> c.getTask(NO_TASK)),
                        stack -> List.of("HTTP 404", "Failed to find task", "/_plugins/_ml/tasks/" + NO_TASK, stack.gatewayUrl())),
                new AwsCase("S3 scan: missing bucket", stack -> scan(stack, "bad-input-no-such-bucket", stack.secretAccessKey()),
                        stack -> List.of("bucket 'bad-input-no-such-bucket'", "NoSuchBucket", "HTTP 404")),
                new AwsCase("S3 scan: wrong secret key", stack -> scan(stack, stack.bucket(), WRONG_SECRET),
                        stack -> List.of("bucket '" + stack.bucket() + "'", "SignatureDoesNotMatch", "HTTP 403")),
                new AwsCase("s3 sink: missing bucket", BadInputTableIT::writeToMissingBucket,
                        stack -> List.of("s3://bad-input-no-such-bucket/", "NoSuchBucket", "3 events acknowledged negatively")),
                new AwsCase("ml_inference screen: input in a missing bucket", BadInputTableIT::screenInMissingBucket,
                        stack -> List.of("bucket 'bad-input-no-such-bucket' does not exist", "s3://bad-input-no-such-bucket/input/part-0.jsonl")));
    }

    /** One scan of a bucket through the runtime and our s3 source against the stack's S3; the outcome is the log's word on it. */
    static Outcome scan(final LocalStack stack, final String bucket, final String secret) {
        SECRETS.add(stack.secretAccessKey());
        final Map<String, String> sdk = Map.of("aws.accessKeyId", stack.accessKeyId(), "aws.secretAccessKey", secret,
                "aws.region", stack.region(), "aws.endpointUrlS3", stack.s3Endpoint());
        try {
            final Path out = Files.createTempFile(dir, "scan-", ".jsonl");
            final Path pipeline = Files.writeString(Files.createTempFile(dir, "scan-", ".yaml"), """
                    bad-input-scan:
                      source:
                        s3:
                          scan:
                            buckets:
                              - bucket:
                                  name: %s
                                  data_selection: data_only
                                  filter:
                                    include_prefix: [bad-input-none/]
                          codec:
                            ndjson: {}
                          aws:
                            region: %s
                          disable_bucket_ownership_validation: true
                      sink:
                        - file:
                            path: %s
                    """.formatted(bucket, stack.region(), out));
            sdk.forEach(System::setProperty);
            final int mark = LOG.mark();
            final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipeline).envFile(null).serverPort(0).build();
            try {
                runtime.start();
                runtime.awaitFinished(Duration.ofSeconds(60));
            } finally {
                runtime.shutdown();
            }
            final List<String> said = LOG.since(mark).stream().filter(l -> l.contains("cannot list")).toList();
            return new Outcome(said.isEmpty() ? "nothing logged about listing " + bucket : String.join(" | ", said), false);
        } catch (final Exception e) {
            throw new AssertionError(e);
        } finally {
            sdk.keySet().forEach(System::clearProperty);
        }
    }

    /**
     * Three records through the runtime (file source with acknowledgements, our s3 sink) to a bucket that does not
     * exist: the sink must name the object it could not write and release every event negatively (none lost silently).
     */
    static Outcome writeToMissingBucket(final LocalStack stack) {
        SECRETS.add(stack.secretAccessKey());
        final Map<String, String> sdk = Map.of("aws.accessKeyId", stack.accessKeyId(), "aws.secretAccessKey", stack.secretAccessKey(),
                "aws.region", stack.region(), "aws.endpointUrlS3", stack.s3Endpoint());
        try {
            final Path input = Files.writeString(Files.createTempFile(dir, "records-", ".jsonl"), GOOD_1 + GOOD_2
                    + GOOD_1.replace("good-1", "good-3"));
            final Path pipeline = Files.writeString(Files.createTempFile(dir, "sink-", ".yaml"), """
                    bad-input-sink:
                      source:
                        file:
                          path: %s
                          codec:
                            ndjson: {}
                          acknowledgments: true
                      sink:
                        - s3:
                            bucket: bad-input-no-such-bucket
                            object_key:
                              path_prefix: out/
                            codec:
                              ndjson: {}
                            threshold:
                              event_count: 100
                              event_collect_timeout: 1s
                            aws:
                              region: %s
                    """.formatted(input, stack.region()));
            sdk.forEach(System::setProperty);
            final int mark = LOG.mark();
            final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipeline).envFile(null).serverPort(0).build();
            try {
                runtime.start();
                final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline && LOG.since(mark).stream().noneMatch(l -> l.contains("acknowledged negatively"))) {
                    Thread.sleep(200);
                }
            } finally {
                runtime.shutdown();
            }
            final List<String> said = LOG.since(mark).stream().filter(l -> l.contains("bad-input-no-such-bucket") || l.contains("negatively")).toList();
            final boolean released = said.stream().anyMatch(l -> l.contains("3 events acknowledged negatively"));
            return new Outcome(said.isEmpty() ? "nothing logged by the s3 sink" : String.join(" | ", said), !released);
        } catch (final Exception e) {
            throw new AssertionError(e);
        } finally {
            sdk.keySet().forEach(System::clearProperty);
        }
    }

    static Outcome screenInMissingBucket(final LocalStack stack) {
        SECRETS.add(stack.secretAccessKey());
        try (S3Client s3 = stack.newS3Client()) {
            final InputScreener screener = new InputScreener(new InputFiles(s3, JSON,
                    InputFiles.S3Location.parse("s3://" + stack.bucket() + "/bad-input/staging/"),
                    InputFiles.S3Location.parse("s3://" + stack.bucket() + "/bad-input/rejected/")),
                    new RecordScreen(ServiceName.SAGEMAKER, "/text", MLProcessorConfig.DEFAULT_MAX_TEXT_LENGTH, JSON));
            final int mark = LOG.mark();
            final InputScreener.Result result = screener.screen(new InputObject("bad-input-no-such-bucket", "input/part-0.jsonl", ""));
            final List<String> texts = new ArrayList<>(LOG.since(mark));
            if (result instanceof InputScreener.Missing missing) {
                texts.add(missing.reason());
            } else {
                texts.add(result.toString());
            }
            return new Outcome(String.join(" | ", texts), false);
        }
    }

    @ParameterizedTest(name = "table 3 AWS side: {0}")
    @MethodSource("awsSide")
    void eachAwsSideFailureIsNamedWithItsPlaceAndShowsNoSecret(final AwsCase row, final LocalStack stack) {
        SECRETS.add(WRONG_SECRET);
        SECRETS.add(SESSION_TOKEN);
        SECRETS.add(stack.secretAccessKey());
        final int mark = LOG.mark();
        final Outcome outcome = row.call().apply(stack);
        final List<String> expected = row.expected().apply(stack);
        final String message = outcome.message();
        final List<String> missing = expected.stream().filter(w -> !message.toLowerCase().contains(w.toLowerCase())).toList();
        final boolean leaked = showsSecret(withLog(message, mark));
        TALLY.add("table 3 " + row.name(), outcome.lost(), !missing.isEmpty(), leaked);
        System.out.println("table 3 " + row.name() + ": " + message);
        assertFalse(outcome.lost(), row.name() + ": records released without a word: " + message);
        assertEquals(List.of(), missing, row.name() + ": " + message);
        assertFalse(leaked, row.name() + ": a secret in the message or log: " + message);
    }
}
