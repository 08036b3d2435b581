package dev.mlbatch.it;

import dev.mlbatch.plugins.common.testing.LocalS3;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.batch.InputFiles;
import dev.mlbatch.plugins.mlinference.batch.InputObject;
import dev.mlbatch.plugins.mlinference.batch.InputScreener;
import dev.mlbatch.plugins.mlinference.batch.RecordScreen;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.runtime.DataPrepperRuntime;
import dev.mlbatch.runtime.config.ConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15, "bad input": one table row per kind of bad input, each through the real code that meets it, asserting
 * that the message names what is wrong and where, that nothing is lost (in = accepted + rejected with a reason +
 * skipped with a log line naming it), and that no secret appears in a message or in the log.
 * <ol>
 *   <li>bad records and files: stage 1 ({@code pipelines/local/sagemaker/1-prepare.yaml}, unchanged) through the
 *   runtime, our s3 source and ndjson codec, against the local S3 server (s3proxy, in process); and ml_inference's
 *   input screen ({@link InputScreener} with {@link RecordScreen}) on objects in that server;</li>
 *   <li>pipeline YAML: the OSI pipeline as published (shared/seeds/000, copied unchanged into
 *   {@code bad-input/published-osi-sagemaker.yaml}) and one fault at a time in it, through the runtime's start-up
 *   checks with the real plugins.</li>
 * </ol>
 * {@code BadInputTableIT} adds table 3 (AWS-side failures against the local stack) and prints the same line over
 * all three tables.
 */
class BadInputTableTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** What every row adds to the line printed at the end. */
    static final Tally TALLY = new Tally();
    /** The local S3 server's secret key and the secret handed to the runtime's environment: neither may be shown. */
    static final String S3_SECRET = LocalS3.SECRET_KEY;
    static final String ENV_SECRET = "env-secret-" + UUID.randomUUID();
    static final String S3_ACCESS_KEY = LocalS3.ACCESS_KEY;
    /** A SigV4 signature (64 hex) or a presigned URL's, wherever it would come from. */
    static final Pattern SIGNATURE = Pattern.compile("Signature=[0-9a-fA-F]{16,}|X-Amz-Signature=[0-9a-fA-F]{16,}");
    static final LogCapture LOG = new LogCapture();
    static final List<String> SECRETS = new CopyOnWriteArrayList<>(List.of(S3_SECRET, ENV_SECRET));

    @TempDir
    static Path dir;

    @BeforeAll
    static void captureLog() {
        LOG.start();
    }

    @AfterAll
    static void printTally() throws Exception {
        LOG.stop();
        closeS3();
        System.out.println(TALLY.line());
    }

    // ------------------------------------------------------------------------------------------------ shared checks

    /** Counts of one row; the row's assertions run on the same figures the tally adds up. */
    static final class Tally {
        final AtomicInteger cases = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger unnamed = new AtomicInteger();
        final AtomicInteger leaks = new AtomicInteger();
        final List<String> notes = new CopyOnWriteArrayList<>();

        void add(final String row, final boolean wasLost, final boolean withoutPlace, final boolean leaked) {
            cases.incrementAndGet();
            if (wasLost) {
                lost.incrementAndGet();
                notes.add(row + ": lost");
            }
            if (withoutPlace) {
                unnamed.incrementAndGet();
                notes.add(row + ": without its place");
            }
            if (leaked) {
                leaks.incrementAndGet();
                notes.add(row + ": secret shown");
            }
        }

        String line() {
            return "bad input: " + cases.get() + " cases, " + lost.get() + " lost, " + unnamed.get() + " without their place, "
                    + leaks.get() + " secrets shown" + (notes.isEmpty() ? "" : " " + notes);
        }
    }

    /** Everything logged through logback (any logger), formatted, with stack traces. */
    static final class LogCapture {
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

        void start() {
            appender.start();
            root.addAppender(appender);
        }

        void stop() {
            root.detachAppender(appender);
            appender.stop();
        }

        int mark() {
            synchronized (appender.list) {
                return appender.list.size();
            }
        }

        List<String> since(final int mark) {
            synchronized (appender.list) {
                return appender.list.subList(mark, appender.list.size()).stream().map(LogCapture::render).toList();
            }
        }

        List<String> all() {
            return since(0);
        }

        private static String render(final ILoggingEvent event) {
            return event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
    }

    /** True when any text shows a secret key, a session token or a signature. */
    static boolean showsSecret(final List<String> texts) {
        return texts.stream().anyMatch(text -> text != null && (SIGNATURE.matcher(text).find() || SECRETS.stream().anyMatch(text::contains)));
    }

    static List<String> withLog(final String message, final int mark) {
        final List<String> texts = new ArrayList<>(LOG.since(mark));
        texts.add(message);
        return texts;
    }

    // ------------------------------------------------------------------------------------------------ local S3 server

    /** The local S3 server (plugins-common's test fixture), started once for the class on first use. */
    private static LocalS3 s3;

    static synchronized LocalS3 s3() throws Exception {
        if (s3 == null) {
            s3 = LocalS3.start();
        }
        return s3;
    }

    static synchronized void closeS3() throws Exception {
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
    }

    static List<String> s3Lines(final String bucket, final String prefix) throws Exception {
        final List<String> lines = new ArrayList<>();
        for (final S3Object object : s3().client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            lines.addAll(nonBlankLines(s3().client().getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray()));
        }
        return lines;
    }

    static List<String> nonBlankLines(final byte[] body) {
        return new String(body, StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
    }

    static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        Arrays.stream(parts).forEach(out::writeBytes);
        return out.toByteArray();
    }

    static final String GOOD_1 = "{\"_id\":\"good-1\",\"text\":\"a good text\"}\n";
    static final String GOOD_2 = "{\"_id\":\"good-2\",\"text\":\"another good text\"}\n";
    static final String MEGABYTE = "x".repeat(1 << 20);

    // ------------------------------------------------------------------------------------- table 1a: stage 1 records

    /**
     * One raw object for stage 1. {@code accepted}: records expected in sagemaker/input/; {@code reasons}: the
     * rejection_reason of each record expected in sagemaker/rejected/; {@code logged}: what the log must say about
     * the object ({uri} stands for its s3:// URI). {@code wholeObject}: the object cannot be split into records (it
     * counts as one unit, skipped when a log line names it).
     */
    record RawCase(String name, String file, byte[] body, int accepted, List<String> reasons, List<String> logged, boolean wholeObject) {
        @Override
        public String toString() {
            return name;
        }
    }

    static RawCase raw(final String name, final String file, final byte[] body, final int accepted, final List<String> reasons,
                       final String... logged) {
        return new RawCase(name, file, body, accepted, reasons, List.of(logged), false);
    }

    static Stream<RawCase> stage1Records() {
        return Stream.of(
                raw("line not JSON", "not-json.jsonl", utf8(GOOD_1 + "this line is not JSON\n" + GOOD_2), 2, List.of(),
                        "Malformed record in {uri} at line 2"),
                raw("line cut off mid-record", "truncated.jsonl", utf8(GOOD_1 + GOOD_2 + "{\"_id\":\"cut\",\"text\":\"cut o"), 2, List.of(),
                        "Malformed record in {uri} at line 3"),
                raw("line a JSON number", "scalar.jsonl", utf8(GOOD_1 + "42\n" + GOOD_2), 2, List.of(),
                        "Malformed record in {uri} at line 2"),
                raw("no text field", "no-text.jsonl", utf8(GOOD_1 + "{\"_id\":\"no-text\"}\n" + GOOD_2), 2, List.of("text is missing")),
                raw("text null", "text-null.jsonl", utf8(GOOD_1 + "{\"_id\":\"n\",\"text\":null}\n" + GOOD_2), 2, List.of("text is missing")),
                raw("empty text", "empty-text.jsonl", utf8(GOOD_1 + "{\"_id\":\"e\",\"text\":\"\"}\n" + GOOD_2), 2, List.of("text is blank")),
                raw("whitespace text", "blank-text.jsonl", utf8(GOOD_1 + "{\"_id\":\"b\",\"text\":\" \\t\\n \"}\n" + GOOD_2), 2,
                        List.of("text is blank")),
                raw("text a number", "text-number.jsonl", utf8(GOOD_1 + "{\"_id\":\"t\",\"text\":42}\n" + GOOD_2), 2, List.of("text is not a string")),
                raw("1 MB text", "megabyte.jsonl", utf8(GOOD_1 + "{\"_id\":\"big\",\"text\":\"" + MEGABYTE + "\"}\n" + GOOD_2), 2,
                        List.of("text is longer than 50000 characters")),
                raw("bytes not UTF-8 (Latin-1)", "latin1.jsonl", concat(utf8(GOOD_1),
                        "{\"_id\":\"latin1\",\"text\":\"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1), utf8(GOOD_2)), 3, List.of(),
                        "{uri}: 1 record held bytes that are not valid UTF-8 (lines 2)"),
                raw("empty object", "empty-object.jsonl", utf8(GOOD_1 + "{}\n" + GOOD_2), 2, List.of("_id is missing")),
                raw("_id missing", "no-id.jsonl", utf8(GOOD_1 + "{\"text\":\"no id\"}\n" + GOOD_2), 2, List.of("_id is missing")),
                raw("_id a boolean", "id-boolean.jsonl", utf8(GOOD_1 + "{\"_id\":true,\"text\":\"t\"}\n" + GOOD_2), 2,
                        List.of("_id is not a string or a number")),
                raw("_id empty", "id-empty.jsonl", utf8(GOOD_1 + "{\"_id\":\"\",\"text\":\"t\"}\n" + GOOD_2), 2, List.of("_id is an empty string")),
                // Both are passed on (the index keeps the last): stage 1 does not drop either, so nothing is lost.
                raw("duplicate _id", "duplicate-id.jsonl", utf8(GOOD_1 + GOOD_1.replace("a good text", "the same id again") + GOOD_2), 3, List.of()),
                raw("empty file", "empty.jsonl", new byte[0], 0, List.of(), "{uri} held no records (0 bytes)"),
                raw("file of blank lines only", "blank-lines.jsonl", utf8("\n  \n\t\n"), 0, List.of(), "{uri} held no records"),
                raw("Windows line ends", "crlf.jsonl", utf8(GOOD_1.replace("\n", "\r\n") + GOOD_2.replace("\n", "\r\n")), 2, List.of()),
                new RawCase("gzip name, bytes not gzip", "not-gzip.jsonl.gz", utf8(GOOD_1 + GOOD_2), 0, List.of(),
                        List.of("Cannot decode {uri}"), true));
    }

    static final String STAGE1_BUCKET = "bad-input-stage1";
    private static Stage1Run stage1Run;

    /** The one stage-1 run over every raw object of the table, with what the log said while it ran. */
    record Stage1Run(List<String> log) {
    }

    private static synchronized Stage1Run stage1() throws Exception {
        if (stage1Run != null) {
            return stage1Run;
        }
        final S3Client s3 = s3().client();
        s3.createBucket(b -> b.bucket(STAGE1_BUCKET));
        for (final RawCase row : stage1Records().toList()) {
            s3.putObject(b -> b.bucket(STAGE1_BUCKET).key("sagemaker/raw/" + row.file()), RequestBody.fromBytes(row.body()));
        }
        final Path pipeline = Path.of(System.getProperty("basedir", "."), "..", "pipelines", "local", "sagemaker", "1-prepare.yaml");
        final Map<String, String> sdk = Map.of("aws.accessKeyId", S3_ACCESS_KEY, "aws.secretAccessKey", S3_SECRET,
                "aws.region", "us-east-1", "aws.endpointUrlS3", s3().endpoint());
        sdk.forEach(System::setProperty);
        final int mark = LOG.mark();
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipeline).envFile(null).serverPort(0)
                .env(Map.of("MLBATCH_S3_BUCKET", STAGE1_BUCKET, "AWS_REGION", "us-east-1", "AWS_SECRET_ACCESS_KEY", ENV_SECRET)).build();
        try {
            runtime.start();
            // The object that cannot be decoded is left uncompleted on purpose (not read as if it were done); the
            // others are read and acknowledged. Shutting down flushes the s3 sinks.
            final boolean finished = runtime.awaitFinished(Duration.ofMinutes(1));
            System.out.println("stage 1 over the bad raw objects finished by itself: " + finished);
        } finally {
            runtime.shutdown();
            sdk.keySet().forEach(System::clearProperty);
        }
        stage1Run = new Stage1Run(LOG.since(mark));
        return stage1Run;
    }

    @ParameterizedTest(name = "table 1 stage 1: {0}")
    @MethodSource("stage1Records")
    void stage1AccountsForEveryRecordAndNamesTheObjectAndLine(final RawCase row) throws Exception {
        final Stage1Run run = stage1();
        final String uri = "s3://" + STAGE1_BUCKET + "/sagemaker/raw/" + row.file();
        final String rawName = row.file().substring(0, row.file().indexOf('.'));
        final List<String> accepted = linesOfObjectsNamedAfter("sagemaker/input/", rawName);
        final List<String> rejected = linesOfObjectsNamedAfter("sagemaker/rejected/", rawName);
        final List<String> aboutThisObject = run.log().stream().filter(l -> l.contains(uri + " ") || l.contains(uri + ":")).toList();
        final long skipped = row.wholeObject()
                ? aboutThisObject.stream().filter(l -> l.startsWith("Cannot decode " + uri)).limit(1).count()
                : aboutThisObject.stream().filter(l -> l.startsWith("Malformed record in " + uri + " at line")).count();
        final int in = row.wholeObject() ? 1 : nonBlankLines(row.body()).size();
        final List<String> reasons = new ArrayList<>();
        for (final String line : rejected) {
            reasons.add(JSON.readTree(line).path("rejection_reason").asText(null));
        }
        final boolean lost = in != accepted.size() + rejected.size() + skipped;
        final List<String> missingLog = row.logged().stream().map(w -> w.replace("{uri}", uri))
                .filter(w -> aboutThisObject.stream().noneMatch(l -> l.startsWith(w))).toList();
        final boolean reasonsRight = reasons.stream().sorted().toList().equals(row.reasons().stream().sorted().toList());
        final boolean leaked = showsSecret(run.log());
        TALLY.add("table 1 " + row.name(), lost, !missingLog.isEmpty() || !reasonsRight, leaked);

        assertFalse(lost, row.name() + ": records in " + in + " = accepted " + accepted.size() + " + rejected " + rejected.size()
                + " + skipped with a log line " + skipped);
        assertEquals(row.accepted(), accepted.size(), row.name() + ": accepted " + accepted);
        assertEquals(row.reasons().stream().sorted().toList(), reasons.stream().sorted().toList(), row.name() + ": rejection reasons");
        assertEquals(List.of(), missingLog, row.name() + ": the log names the object (and line): " + aboutThisObject);
        assertFalse(leaked, "a secret in the log");
        if (row.name().startsWith("bytes not UTF-8")) {
            final JsonNode latin1 = accepted.stream().map(BadInputTableTest::tree).filter(n -> "latin1".equals(n.path("_id").asText()))
                    .findFirst().orElseThrow();
            assertEquals("caf\uFFFD", latin1.path("text").asText(), "the bytes become U+FFFD and the record goes on");
        }
    }

    private static JsonNode tree(final String line) {
        try {
            return JSON.readTree(line);
        } catch (final Exception e) {
            throw new AssertionError(line, e);
        }
    }

    /** Lines of the objects stage 1 named after a raw object ({@code <raw name>-<12 hex>-<ordinal>.ndjson}). */
    private static List<String> linesOfObjectsNamedAfter(final String prefix, final String rawName) throws Exception {
        final Pattern name = Pattern.compile(Pattern.quote(prefix + rawName) + "-[0-9a-f]{12}-[0-9]+\\.ndjson");
        final List<String> lines = new ArrayList<>();
        for (final S3Object object : s3().client().listObjectsV2Paginator(b -> b.bucket(STAGE1_BUCKET).prefix(prefix + rawName + "-")).contents()) {
            if (name.matcher(object.key()).matches()) {
                lines.addAll(nonBlankLines(s3().client().getObjectAsBytes(b -> b.bucket(STAGE1_BUCKET).key(object.key())).asByteArray()));
            }
        }
        return lines;
    }

    // --------------------------------------------------------------------------- table 1b: ml_inference input screen

    /**
     * One input object for ml_inference's screen. {@code service} picks the checks (Bedrock needs modelInput);
     * {@code rejected}: line number and the words of its reason for each record expected to be rejected;
     * {@code body} null: the object does not exist.
     */
    record ScreenCase(String name, ServiceName service, byte[] body, Map<Integer, String> rejected, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String BEDROCK_GOOD = "{\"recordId\":\"r1\",\"modelInput\":{\"inputText\":\"a good text\"}}\n";

    static Stream<ScreenCase> screenedInputs() {
        return Stream.of(
                new ScreenCase("screen: line not JSON", ServiceName.SAGEMAKER, utf8(GOOD_1 + "not JSON at all\n" + GOOD_2),
                        Map.of(2, "the line is not valid JSON"), null),
                new ScreenCase("screen: line a JSON array", ServiceName.SAGEMAKER, utf8(GOOD_1 + GOOD_2 + "[\"a\",\"b\"]\n"),
                        Map.of(3, "the line is not a JSON object"), null),
                new ScreenCase("screen: bytes not UTF-8", ServiceName.SAGEMAKER, concat(utf8(GOOD_1),
                        "{\"_id\":\"l\",\"text\":\"na\u00efve\"}\n".getBytes(StandardCharsets.ISO_8859_1)), Map.of(2, "the line is not valid UTF-8"), null),
                new ScreenCase("screen: no text", ServiceName.SAGEMAKER, utf8(GOOD_1 + "\n{\"_id\":\"x\"}\n"),
                        Map.of(3, "text is missing at /text"), null),
                new ScreenCase("screen: empty text", ServiceName.SAGEMAKER, utf8("{\"_id\":\"x\",\"text\":\"\"}\n" + GOOD_2),
                        Map.of(1, "text at /text is blank"), null),
                new ScreenCase("screen: 1 MB text", ServiceName.SAGEMAKER, utf8(GOOD_1 + "{\"_id\":\"big\",\"text\":\"" + MEGABYTE + "\"}\n"),
                        Map.of(2, "text at /text is longer than 50000 characters"), null),
                new ScreenCase("screen: Bedrock record without modelInput", ServiceName.BEDROCK, utf8(BEDROCK_GOOD + GOOD_1),
                        Map.of(2, "the record has no modelInput object"), null),
                new ScreenCase("screen: every record bad", ServiceName.SAGEMAKER, utf8("{}\n{\"text\":\"  \"}\n"),
                        Map.of(1, "text is missing at /text", 2, "text at /text is blank"), null),
                new ScreenCase("screen: empty object file", ServiceName.SAGEMAKER, new byte[0], Map.of(), "holds no records"),
                new ScreenCase("screen: input object missing", ServiceName.SAGEMAKER, null, Map.of(), "does not exist"));
    }

    static final String SCREEN_BUCKET = "bad-input-screen";
    private static final AtomicInteger SCREEN_ROWS = new AtomicInteger();

    @ParameterizedTest(name = "table 1 ml_inference: {0}")
    @MethodSource("screenedInputs")
    void theInputScreenRejectsEachBadRecordWithReasonObjectAndLine(final ScreenCase row) throws Exception {
        final S3Client s3 = s3().client();
        if (SCREEN_ROWS.getAndIncrement() == 0) {
            s3.createBucket(b -> b.bucket(SCREEN_BUCKET));
        }
        final String key = "input/" + row.name().replaceAll("[^a-zA-Z0-9]+", "-") + ".jsonl";
        final String uri = "s3://" + SCREEN_BUCKET + "/" + key;
        if (row.body() != null) {
            s3.putObject(b -> b.bucket(SCREEN_BUCKET).key(key), RequestBody.fromBytes(row.body()));
        }
        final String textPath = row.service() == ServiceName.BEDROCK ? "/modelInput/inputText" : "/text";
        final InputScreener screener = new InputScreener(new InputFiles(s3, JSON,
                InputFiles.S3Location.parse("s3://" + SCREEN_BUCKET + "/staging/"), InputFiles.S3Location.parse("s3://" + SCREEN_BUCKET + "/rejected/")),
                new RecordScreen(row.service(), textPath, MLProcessorConfig.DEFAULT_MAX_TEXT_LENGTH, JSON));
        final int mark = LOG.mark();
        final InputScreener.Result result = screener.screen(new InputObject(SCREEN_BUCKET, key, ""));
        final List<String> log = LOG.since(mark);

        final int in = row.body() == null ? 1 : (int) nonBlankLines(row.body()).size();
        final boolean lost;
        final boolean named;
        final String message;
        if (result instanceof InputScreener.Missing missing) {
            message = missing.reason();
            lost = row.body() != null;
            named = message.contains(uri) && message.contains(row.message());
        } else if (result instanceof InputScreener.Screened screened) {
            final List<JsonNode> rejected = new ArrayList<>();
            if (screened.rejectedUri() != null) {
                final InputFiles.S3Location at = InputFiles.S3Location.parse(screened.rejectedUri());
                for (final String line : nonBlankLines(s3.getObjectAsBytes(b -> b.bucket(at.bucket()).key(at.prefix())).asByteArray())) {
                    rejected.add(JSON.readTree(line));
                }
            }
            final int good = screened.jobInput() == null ? 0 : screened.jobInput().equals(screened.object()) ? screened.records()
                    : nonBlankLines(s3.getObjectAsBytes(b -> b.bucket(screened.jobInput().bucket()).key(screened.jobInput().key())).asByteArray()).size();
            lost = in != good + rejected.size() || screened.records() != in;
            final Map<Integer, String> reasons = rejected.stream().collect(Collectors.toMap(r -> r.path("line").asInt(), r -> r.path("rejection_reason").asText()));
            message = String.join(" | ", log);
            named = reasons.equals(row.rejected()) && rejected.stream().allMatch(r -> uri.equals(r.path("source").asText()))
                    && (row.rejected().isEmpty() || log.stream().anyMatch(l -> l.startsWith(uri + ": ") && l.contains("line "
                    + row.rejected().keySet().stream().sorted().findFirst().orElseThrow())))
                    && (row.message() == null || (screened.jobInput() == null && log.stream().anyMatch(l -> l.contains(uri) && l.contains(row.message()))));
        } else {
            message = result.toString();
            lost = true;
            named = false;
        }
        final boolean leaked = showsSecret(withLog(message, mark));
        TALLY.add("table 1 " + row.name(), lost, !named, leaked);
        assertFalse(lost, row.name() + ": every record is a good one for the job or a rejected one: " + result);
        assertTrue(named, row.name() + ": reasons with object and line " + result + " / " + message);
        assertFalse(leaked, "a secret in the message or log");
    }

    // --------------------------------------------------------------------------------------- table 2: pipeline YAML

    static final String PUBLISHED = "published-osi-sagemaker.yaml";
    static final String PIPELINE = "sagemaker-batch-job-pipeline";

    /**
     * One fault in the published pipeline: {@code from} (occurring once) replaced by {@code to}. Expected: the
     * plugin, the key and the line (0: no line for this kind of fault) the message must name, and words saying
     * what is wrong. {@code plugin} null with {@code what} empty: start-up must pass (the file is accepted as is).
     */
    record YamlCase(String name, String from, String to, int line, String pipeline, String plugin, String key, List<String> what) {
        @Override
        public String toString() {
            return name;
        }

        boolean accepted() {
            return pipeline != null && plugin == null && what.isEmpty();
        }
    }

    static YamlCase fault(final String name, final String from, final String to, final int line, final String plugin, final String key,
                          final String... what) {
        return new YamlCase(name, from, to, line, PIPELINE, plugin, key, List.of(what));
    }

    /** A fault outside any pipeline (the file's first lines, {@code version}): no pipeline to name. */
    static YamlCase fileLevel(final String name, final String from, final String to, final int line, final String key, final String... what) {
        return new YamlCase(name, from, to, line, null, null, key, List.of(what));
    }

    static Stream<YamlCase> pipelineYaml() {
        return Stream.of(
                // As published: OSI's console block (extension.osis_configuration_metadata), the account id as a
                // number, workers as the string '1' and version as a string; all accepted as OSI accepts them.
                fault("as published for OSI", "version: '2'", "version: '2'", 0, null, null),
                fault("numbers as strings", "interval: PT6M", "interval: 'PT6M'\n          count: '1'", 0, null, null),
                fault("misspelled plugin (ml_inferance)", "- ml_inference:", "- ml_inferance:", 0, "ml_inferance", null,
                        "unknown processor plugin", "ml_inference"),
                fault("misspelled key (acknowledgements)", "acknowledgments: true", "acknowledgements: true", 0, "s3", "acknowledgements",
                        "did you mean 'acknowledgments'"),
                fault("misspelled nested key (include_prefixes)", "include_prefix:\n                  - sagemaker/output/",
                        "include_prefixes:\n                  - sagemaker/output/", 0, "s3", "include_prefixes", "include_prefix"),
                fault("misspelled pipeline key (procesor)", "  processor:", "  procesor:", 0, null, null, "procesor", "processor"),
                fault("wrong type: workers 'one'", "workers: '1'", "workers: 'one'", 0, "s3", "workers", "one"),
                fault("wrong type: aws_sigv4 'yes please'", "aws_sigv4: true", "aws_sigv4: 'yes please'", 0, "ml_inference", "aws_sigv4", "yes please"),
                fault("wrong type: hosts a map", "hosts: [\"https://search-xunzh", "hosts: {url: \"https://search-xunzh", 0, "opensearch", "hosts"),
                fault("unknown enum: data_selection metadata-only", "data_selection: metadata_only", "data_selection: metadata-only", 0, "s3",
                        "scan.buckets[0].bucket.data_selection", "metadata-only", "metadata_only"),
                fault("unknown enum: action_type batch_predic", "action_type: \"batch_predict\"", "action_type: \"batch_predic\"", 0,
                        "ml_inference", "action_type", "batch_predic"),
                fault("unknown enum: service_name sagemkaer", "service_name: \"sagemaker\"", "service_name: \"sagemkaer\"", 0,
                        "ml_inference", "service_name", "sagemkaer"),
                fault("unknown enum: compression zip", "compression: none", "compression: zip", 0, "s3", "compression", "zip"),
                fault("unknown codec (ndjsn)", "        ndjson:\n          include_empty", "        ndjsn:\n          include_empty", 0, "s3", "ndjsn",
                        "ndjsn", "ndjson"),
                fault("output_path without s3://", "output_path: \"s3://xunzh-offlinebatch/sagemaker/output\"",
                        "output_path: \"xunzh-offlinebatch/sagemaker/output\"", 0, "ml_inference", "output_path", "s3://"),
                fault("account id of 11 digits", "default_bucket_owner: 388303208821", "default_bucket_owner: 38830320882", 0, "s3",
                        "default_bucket_owner", "12-digit"),
                fault("role ARN not an ARN", "sts_role_arn: \"arn:aws:iam::388303208821:role/Admin\"", "sts_role_arn: \"Admin\"", 0,
                        "ml_inference", "aws.sts_role_arn", "sts_role_arn must be"),
                fault("interval not a duration", "interval: PT6M", "interval: 6 minutes", 0, "s3", "scan.scheduling.interval", "6 minutes"),
                fault("invalid ml_when expression", "ml_when: /bucket == \"xunzh-offlinebatch\"", "ml_when: /bucket = \"xunzh-offlinebatch\"", 0,
                        "ml_inference", "ml_when", "/bucket = "),
                fault("route misspelled in the sink", "          - ml-ingest-route\n", "          - ml-ingest-rout\n", 0, "opensearch", "routes",
                        "ml-ingest-rout", "ml-ingest-route"),
                fault("missing required key (copy_values to_key)", "            to_key: chapter\n", "", 0, "copy_values", "entries[0].to_key"),
                fault("unset ${{env:...}}", "model_id: \"9t4AbpYBQb1BoSOe8x8N\"", "model_id: \"${{env:MLBATCH_BAD_INPUT_UNSET}}\"", 0,
                        "ml_inference", "model_id", "MLBATCH_BAD_INPUT_UNSET"),
                fault("single-brace ${env:...}", "model_id: \"9t4AbpYBQb1BoSOe8x8N\"", "model_id: \"${env:MODEL_ID}\"", 0,
                        "ml_inference", "model_id", "${{env:MODEL_ID}}"),
                fault("secret env value in a checked key", "sts_role_arn: \"arn:aws:iam::388303208821:role/Admin\"",
                        "sts_role_arn: \"${{env:AWS_SECRET_ACCESS_KEY}}\"", 0, "ml_inference", "aws.sts_role_arn", "sts_role_arn"),
                fault("typographic quotes (copied from the post's prose)", "action_type: \"batch_predict\"", "action_type: \u201cbatch_predict\u201d", 0,
                        "ml_inference", "action_type", "\u201c"),
                fault("tab for indentation", "      aws:\n        region: us-west-2\n      default", "      aws:\n\tregion: us-west-2\n      default", 29,
                        null, null, "tab character is not allowed for indentation"),
                fileLevel("code fence pasted with the YAML", "version: '2'", "```json\nversion: '2'", 1, null, "'`'"),
                fault("duplicate key", "      compression: none\n", "      compression: none\n      compression: gzip\n", 35, "s3", "compression", "Duplicate field 'compression'"),
                fileLevel("version newer than the runtime", "version: '2'", "version: '3.1'", 0, "version", "3.1", "newer"),
                fault("unclosed quote", "model_id: \"9t4AbpYBQb1BoSOe8x8N\"", "model_id: \"9t4AbpYBQb1BoSOe8x8N", 42, "ml_inference", "model_id", "never closed"));
    }

    private static String publishedYaml() throws Exception {
        return Files.readString(Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "bad-input", PUBLISHED));
    }

    @ParameterizedTest(name = "table 2 pipeline YAML: {0}")
    @MethodSource("pipelineYaml")
    void startUpRefusesEachFaultNamingFilePipelinePluginAndKey(final YamlCase row) throws Exception {
        final String published = publishedYaml();
        assertEquals(1, published.split(Pattern.quote(row.from()), -1).length - 1, row.name() + ": '" + row.from() + "' occurs once");
        final Path folder = Files.createDirectories(dir.resolve("yaml-" + Math.abs(row.name().hashCode())));
        final Path file = Files.writeString(folder.resolve(PUBLISHED), published.replace(row.from(), row.to()));
        final Map<String, String> env = Map.of("AWS_SECRET_ACCESS_KEY", ENV_SECRET);
        final int mark = LOG.mark();
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(file).envFile(null).env(env).build();
        if (row.accepted()) {
            runtime.validate();
            final boolean leaked = showsSecret(LOG.since(mark));
            TALLY.add("table 2 " + row.name(), false, false, leaked);
            assertFalse(leaked, "a secret in the log");
            return;
        }
        final ConfigurationException e = assertThrows(ConfigurationException.class, runtime::validate, row.name() + " must be refused");
        final String message = e.getMessage();
        final List<String> place = new ArrayList<>(List.of(PUBLISHED));
        if (row.line() > 0) {
            place.add(PUBLISHED + " line " + row.line());
        }
        if (row.pipeline() != null) {
            place.add("pipeline '" + row.pipeline() + "'");
        }
        if (row.plugin() != null) {
            place.add("plugin '" + row.plugin() + "'");
        }
        if (row.key() != null) {
            place.add("key '" + row.key() + "'");
        }
        final List<String> missing = Stream.concat(place.stream(), row.what().stream()).filter(w -> !message.contains(w)).toList();
        final boolean leaked = showsSecret(withLog(message, mark));
        TALLY.add("table 2 " + row.name(), false, !missing.isEmpty(), leaked);
        assertEquals(1, message.lines().count(), "one line: " + message);
        assertEquals(List.of(), missing, row.name() + ": " + message);
        assertFalse(leaked, "a secret in the message or log: " + message);
    }
}
