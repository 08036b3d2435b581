package dev.mlbatch.plugins.sink.s3;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.runtime.DataPrepperRuntime;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published local stage-1 pipelines ({@code pipelines/local/<provider>/1-prepare.yaml}, unchanged but for a
 * bucket of the test's own and, for Bedrock, an index of its own) run through the runtime against the local stack's
 * S3: re-runs write the same input objects, and every record of a raw file full of bad records is accounted for.
 */
@ExtendWith(LocalStackExtension.class)
class Stage1PrepareIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PIPELINES = Path.of(System.getProperty("basedir", "."), "..", "pipelines", "local");
    @TempDir
    Path dir;
    private final LocalStack stack;

    Stage1PrepareIT(final LocalStack stack) {
        this.stack = stack;
    }

    /** What one run left behind: its log lines from the s3 source and its metrics. */
    private record Run(String provider, List<String> sourceLog, String metrics) {
        /** The s3 source's counter of this run's pipeline (the meter registry may hold other pipelines' too). */
        double metric(final String name) {
            final String sample = provider + "_prepare_s3_" + name;
            final List<String> samples = metrics.lines().filter(l -> !l.startsWith("#") && l.contains(sample)).toList();
            assertEquals(1, samples.size(), name + " in " + samples);
            return Double.parseDouble(samples.get(0).substring(samples.get(0).lastIndexOf(' ') + 1));
        }
    }

    private Run runStage1(final String provider, final String bucket, final String index) throws Exception {
        String yaml = Files.readString(PIPELINES.resolve(provider).resolve("1-prepare.yaml"));
        if (index != null) {
            assertTrue(yaml.contains("index: \"${{env:MLBATCH_INDEX}}\""), "the Bedrock stage-1 file takes its index from MLBATCH_INDEX");
            yaml = yaml.replace("index: \"${{env:MLBATCH_INDEX}}\"", "index: " + index);
        }
        final Path pipeline = Files.writeString(dir.resolve(provider + "-1-prepare-" + System.nanoTime() + ".yaml"), yaml);
        final Map<String, String> env = new HashMap<>(stack.asMap());
        env.put("MLBATCH_S3_BUCKET", bucket);
        final Logger logger = (Logger) LoggerFactory.getLogger("dev.mlbatch.plugins.s3source");
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipeline).env(env).serverPort(0).build();
        try {
            runtime.start();
            assertTrue(runtime.awaitFinished(Duration.ofMinutes(3)), provider + " stage 1 finishes");
            final String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + runtime.getServerPort() + "/metrics/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return new Run(provider, log.list.stream().map(ILoggingEvent::getFormattedMessage).toList(), metrics);
        } finally {
            runtime.shutdown();
            logger.detachAppender(log);
        }
    }

    private String newBucket(final S3Client s3) {
        final String bucket = "stage1-it-" + System.nanoTime();
        s3.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    private static Map<String, String> keysAndEtags(final S3Client s3, final String bucket, final String prefix) {
        final Map<String, String> result = new TreeMap<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(o -> result.put(o.key(), o.eTag()));
        return result;
    }

    private static List<JsonNode> lines(final S3Client s3, final String bucket, final String prefix) throws Exception {
        final List<JsonNode> lines = new ArrayList<>();
        for (final S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            for (final String line : s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asUtf8String().split("\n")) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        }
        return lines;
    }

    private static String sourceHash(final String bucket, final String key, final String etag) throws Exception {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (final String field : new String[]{bucket, key, etag.replace("\"", "")}) {
            final byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            sha.update(bytes);
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    private static String corpus(final int records) {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < records; i++) {
            text.append("{\"_id\":\"doc-").append(i).append("\",\"text\":\"document number ").append(i).append("\",\"lemma\":\"l")
                    .append(i).append("\"}\n");
        }
        return text.toString();
    }

    @Test
    void rerunningStage1OnTheSameRawObjectRewritesTheSameInputObjectsAndAChangedObjectGetsNewNames() throws Exception {
        try (S3Client s3 = stack.newS3Client()) {
            final String bucket = newBucket(s3);
            final String rawKey = "sagemaker/raw/corpus.jsonl";
            s3.putObject(b -> b.bucket(bucket).key(rawKey), RequestBody.fromString(corpus(1_200)));
            final String etag = s3.headObject(b -> b.bucket(bucket).key(rawKey)).eTag();

            runStage1("sagemaker", bucket, null);
            final Map<String, String> first = keysAndEtags(s3, bucket, "sagemaker/input/");
            final String name = "sagemaker/input/corpus-" + sourceHash(bucket, rawKey, etag);
            // 500 records per file (the pipeline's event_count): files start at records 0, 500 and 1000.
            assertEquals(List.of(name + "-0000000000.ndjson", name + "-0000000500.ndjson", name + "-0000001000.ndjson"),
                    new ArrayList<>(first.keySet()));
            assertEquals(1_200, lines(s3, bucket, "sagemaker/input/").size());

            runStage1("sagemaker", bucket, null);
            final Map<String, String> second = keysAndEtags(s3, bucket, "sagemaker/input/");
            assertEquals(first, second, "a re-run must write the same keys with the same bytes (ETags)");

            s3.putObject(b -> b.bucket(bucket).key(rawKey), RequestBody.fromString(corpus(1_201)));
            final String changedEtag = s3.headObject(b -> b.bucket(bucket).key(rawKey)).eTag();
            runStage1("sagemaker", bucket, null);
            final Map<String, String> third = keysAndEtags(s3, bucket, "sagemaker/input/");
            final Set<String> added = third.keySet().stream().filter(k -> !first.containsKey(k)).collect(Collectors.toSet());
            final String changedName = "sagemaker/input/corpus-" + sourceHash(bucket, rawKey, changedEtag);
            assertEquals(Set.of(changedName + "-0000000000.ndjson", changedName + "-0000000500.ndjson", changedName + "-0000001000.ndjson"),
                    added, "a changed raw object gets new names");
            first.forEach((key, value) -> assertEquals(value, third.get(key), key + " must not be rewritten by another object's run"));
            System.out.printf("stage 1 re-run: run 1 wrote %d input objects, run 2 the same %d keys with the same ETags, "
                    + "the changed raw object %d new keys%n", first.size(), second.size(), added.size());
        }
    }

    /** One bad record of the table: its raw line, and the rejection reason it must get (null: counted otherwise). */
    private record Case(String name, String line, String reason) {
    }

    private static List<Case> badRecords() {
        final List<Case> cases = new ArrayList<>();
        cases.add(new Case("text spaces", "{\"_id\":\"bad-1\",\"case\":\"text spaces\",\"text\":\"   \"}", "text is blank"));
        cases.add(new Case("text tab newline", "{\"_id\":\"bad-2\",\"case\":\"text tab newline\",\"text\":\"\\t\\n\"}", "text is blank"));
        cases.add(new Case("text empty", "{\"_id\":\"bad-3\",\"case\":\"text empty\",\"text\":\"\"}", "text is blank"));
        cases.add(new Case("text missing", "{\"_id\":\"bad-4\",\"case\":\"text missing\"}", "text is missing"));
        cases.add(new Case("text null", "{\"_id\":\"bad-5\",\"case\":\"text null\",\"text\":null}", "text is missing"));
        cases.add(new Case("text number", "{\"_id\":\"bad-6\",\"case\":\"text number\",\"text\":42}", "text is not a string"));
        cases.add(new Case("text array", "{\"_id\":\"bad-7\",\"case\":\"text array\",\"text\":[\"a\"]}", "text is not a string"));
        cases.add(new Case("text object", "{\"_id\":\"bad-8\",\"case\":\"text object\",\"text\":{\"a\":1}}", "text is not a string"));
        cases.add(new Case("_id missing", "{\"case\":\"_id missing\",\"text\":\"no id\"}", "_id is missing"));
        cases.add(new Case("_id null", "{\"_id\":null,\"case\":\"_id null\",\"text\":\"null id\"}", "_id is missing"));
        cases.add(new Case("_id boolean", "{\"_id\":true,\"case\":\"_id boolean\",\"text\":\"boolean id\"}", "_id is not a string or a number"));
        cases.add(new Case("text 50001 characters", "{\"_id\":\"bad-12\",\"case\":\"text 50001 characters\",\"text\":\""
                + "x".repeat(50_001) + "\"}", "text is longer than 50000 characters"));
        cases.add(new Case("empty object", "{}", "_id is missing"));
        cases.add(new Case("not JSON", "this line is not JSON", null));
        return cases;
    }

    @Test
    void everyRecordOfARawFileFullOfBadRecordsIsWrittenRejectedWithItsReasonOrCountedAsMalformed() throws Exception {
        for (final String provider : List.of("sagemaker", "bedrock")) {
            try (S3Client s3 = stack.newS3Client()) {
                final String bucket = newBucket(s3);
                final String index = "bedrock".equals(provider) ? "stage1-it-" + System.nanoTime() : null;
                final String rawKey = provider + "/raw/table.jsonl";
                final ByteArrayOutputStream raw = new ByteArrayOutputStream();
                final List<Case> cases = badRecords();
                final Map<Integer, String> lineOfCase = new HashMap<>();
                int lineNumber = 0;
                int goodRecords = 0;
                int blankLines = 0;
                for (int i = 0; i < 40; i++) {
                    raw.writeBytes(("{\"_id\":\"good-" + i + "\",\"text\":\"a good text " + i + "\"}\n").getBytes(StandardCharsets.UTF_8));
                    lineNumber++;
                    goodRecords++;
                    if (i % 3 == 0 && !cases.isEmpty()) {
                        final Case bad = cases.remove(0);
                        raw.writeBytes((bad.line() + "\n").getBytes(StandardCharsets.UTF_8));
                        lineNumber++;
                        lineOfCase.put(lineNumber, bad.name());
                    }
                }
                // A record with bytes that are not UTF-8 (Latin-1 é): kept, with U+FFFD, and reported.
                raw.writeBytes("{\"_id\":\"latin1\",\"text\":\"caf\u00e9 au lait\"}\n".getBytes(StandardCharsets.ISO_8859_1));
                final int invalidUtf8Line = ++lineNumber;
                goodRecords++;
                // Two records with one _id: both are passed on (the index keeps the last; stage 1 does not dedupe).
                raw.writeBytes("{\"_id\":\"twice\",\"text\":\"first of two\"}\n{\"_id\":\"twice\",\"text\":\"second of two\"}\n"
                        .getBytes(StandardCharsets.UTF_8));
                lineNumber += 2;
                goodRecords += 2;
                // A whitespace-only line: not a record at all (skipped by the codec, like an empty line).
                raw.writeBytes(" \t \n".getBytes(StandardCharsets.UTF_8));
                lineNumber++;
                blankLines++;
                assertTrue(cases.isEmpty(), "every bad record is in the file");
                final int badLines = lineOfCase.size();
                s3.putObject(b -> b.bucket(bucket).key(rawKey), RequestBody.fromBytes(raw.toByteArray()));

                final Run run = runStage1(provider, bucket, index);

                final List<JsonNode> input = lines(s3, bucket, provider + "/input/");
                final List<JsonNode> rejected = lines(s3, bucket, provider + "/rejected/");
                final String idField = "bedrock".equals(provider) ? "recordId" : "_id";
                final List<String> inputIds = input.stream().map(n -> n.get(idField).asText()).sorted().toList();
                final List<String> expectedIds = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    expectedIds.add("good-" + i);
                }
                expectedIds.addAll(List.of("latin1", "twice", "twice"));
                assertEquals(expectedIds.stream().sorted().toList(), inputIds, provider + ": every good record, and only those, in the input files");
                final JsonNode latin1 = input.stream().filter(n -> n.get(idField).asText().equals("latin1")).findFirst().orElseThrow();
                assertEquals("caf\uFFFD au lait", "bedrock".equals(provider) ? latin1.at("/modelInput/inputText").asText() : latin1.get("text").asText());

                final Map<String, String> reasons = new LinkedHashMap<>();
                for (final JsonNode record : rejected) {
                    reasons.put(record.has("case") ? record.get("case").asText() : record.toString(), record.get("rejection_reason").asText());
                }
                final Map<String, String> expectedReasons = new LinkedHashMap<>();
                for (final Case bad : badRecords()) {
                    if (bad.reason() != null && !bad.name().equals("empty object")) {
                        expectedReasons.put(bad.name(), bad.reason());
                    }
                }
                expectedReasons.put("{\"rejection_reason\":\"_id is missing\"}", "_id is missing");
                assertEquals(new TreeMap<>(expectedReasons), new TreeMap<>(reasons), provider + ": each bad record rejected with its reason");

                final int notJsonLine = lineOfCase.entrySet().stream().filter(e -> e.getValue().equals("not JSON")).findFirst().orElseThrow().getKey();
                final double malformed = run.metric("s3ObjectMalformedRecords");
                assertEquals(1.0, malformed, provider);
                assertTrue(run.sourceLog().stream().anyMatch(m -> m.startsWith("Malformed record in s3://" + bucket + "/" + rawKey
                        + " at line " + notJsonLine + ",")), provider + ": the not-JSON line is logged with object and line: " + run.sourceLog());
                assertEquals(1.0, run.metric("s3ObjectInvalidUtf8Records"), provider);
                assertTrue(run.sourceLog().stream().anyMatch(m -> m.equals("s3://" + bucket + "/" + rawKey + ": 1 record held bytes that "
                        + "are not valid UTF-8 (lines " + invalidUtf8Line + "); they were replaced by U+FFFD and the records passed on, "
                        + "tagged invalid_utf8")), provider + ": " + run.sourceLog());

                final int recordsIn = lineNumber - blankLines;
                assertEquals(goodRecords + badLines, recordsIn);
                assertEquals(recordsIn, input.size() + rejected.size() + (int) malformed, provider + ": records in = input + rejected + malformed");
                assertFalse(rejected.stream().anyMatch(r -> r.has("_id") && r.get("_id").asText().startsWith("good-")));
                System.out.printf("stage 1 table (%s): lines %d (%d whitespace-only, not records), records in %d = input %d "
                                + "+ rejected %d + malformed %d; invalid UTF-8 records kept %d; duplicate _id 'twice' passed on %d times%n",
                        provider, lineNumber, blankLines, recordsIn, input.size(), rejected.size(), (int) malformed,
                        (int) run.metric("s3ObjectInvalidUtf8Records"), inputIds.stream().filter("twice"::equals).count());
                if (index != null) {
                    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.openSearchUrl() + "/" + index)).DELETE().build(),
                            HttpResponse.BodyHandlers.discarding());
                }
            }
        }
    }
}
