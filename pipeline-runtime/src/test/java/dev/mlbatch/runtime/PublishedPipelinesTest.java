package dev.mlbatch.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.expression.ExpressionSyntaxCheck;
import dev.mlbatch.expression.GrammarExpressionEvaluator;
import dev.mlbatch.runtime.config.PipelineDefinition;
import dev.mlbatch.runtime.config.PipelineGraphValidator;
import dev.mlbatch.runtime.config.PipelinesDocument;
import dev.mlbatch.runtime.config.PipelinesParser;
import dev.mlbatch.runtime.config.PluginDefinition;
import dev.mlbatch.runtime.config.RouteDefinition;
import dev.mlbatch.runtime.config.SinkDefinition;
import dev.mlbatch.runtime.config.ValueReferenceResolver;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The pipelines published in {@code pipelines/} (and the example data they are written for) parse, validate, and
 * fit together: each stage reads what the previous one writes, the model output lands in the template's vector
 * field, and both writes of a document meet under one id. Plugin binding is left to the end-to-end test.
 */
class PublishedPipelinesTest {
    private static final Path PIPELINES = Path.of("..", "pipelines");
    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final List<String> SETS = List.of("osi", "local");
    private static final List<String> PROVIDERS = List.of("sagemaker", "bedrock", "bedrock-builtin", "openai", "cohere");
    private static final List<String> STAGE_FILES = List.of("1-prepare.yaml", "2-trigger.yaml", "3-ingest.yaml");
    private static final List<String> STAGE_NAMES = List.of("prepare", "trigger", "ingest");
    /** The keys the local stack writes into its env file (local-stack/README.md, StackEnv). */
    private static final Set<String> STACK_ENV_KEYS = Set.of("MLBATCH_HOME", "MLBATCH_OPENSEARCH_URL",
            "MLBATCH_GATEWAY_URL", "MLBATCH_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "MLBATCH_S3_BUCKET",
            "MLBATCH_MODEL_SERVICE_URL", "MLBATCH_SAGEMAKER_URL", "MLBATCH_BEDROCK_URL", "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION", "MLBATCH_SAGEMAKER_BATCH_MODEL_ID",
            "MLBATCH_BEDROCK_BATCH_MODEL_ID", "MLBATCH_SAGEMAKER_REALTIME_MODEL_ID", "MLBATCH_BEDROCK_REALTIME_MODEL_ID",
            "MLBATCH_OPENAI_URL", "MLBATCH_OPENAI_API_KEY", "MLBATCH_OPENAI_BATCH_MODEL_ID",
            "MLBATCH_COHERE_URL", "MLBATCH_COHERE_API_KEY", "MLBATCH_COHERE_BATCH_MODEL_ID");
    private static final String LOCAL_BUCKET = "local-test-bucket";
    private static final Pattern PLACEHOLDER = Pattern.compile("<your-[a-z0-9-]+>");
    private static final Pattern FIELD_REFERENCE = Pattern.compile("^\\$\\{/([A-Za-z0-9_.@]+)}$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GrammarExpressionEvaluator expressions = new GrammarExpressionEvaluator();
    private final PipelineGraphValidator validator = new PipelineGraphValidator(ExpressionSyntaxCheck::findError);

    static Stream<Path> pipelineFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(PIPELINES)) {
            return walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList().stream();
        }
    }

    @Test
    void exactlyThePublishedStagesArePresent() throws IOException {
        final Set<String> expected = new TreeSet<>();
        for (final String set : SETS) {
            for (final String provider : PROVIDERS) {
                STAGE_FILES.forEach(stage -> expected.add(set + "/" + provider + "/" + stage));
            }
        }
        final Set<String> found = pipelineFiles().map(p -> PIPELINES.relativize(p).toString().replace('\\', '/'))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, found, "files under pipelines/ (add a new file here and to pipelines/README.md)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelineFiles")
    void everyFileParsesAndValidates(final Path file) {
        final PipelinesDocument document = parse(file, new HashSet<>());
        validator.validate(document);
        for (final PipelineDefinition pipeline : document.pipelines()) {
            for (final RouteDefinition route : pipeline.routes()) {
                assertTrue(expressions.isValidExpressionStatement(route.condition()),
                        file + ", pipeline '" + pipeline.name() + "', route '" + route.name() + "': " + route.condition());
            }
            for (final PluginDefinition plugin : plugins(pipeline)) {
                forEachSetting(plugin.settings(), "", (key, value) -> {
                    final String where = file + ", pipeline '" + pipeline.name() + "', plugin '" + plugin.name() + "', key '" + key + "'";
                    if (key.endsWith("_when")) {
                        assertTrue(value instanceof String, where + " must be a string expression");
                        ExpressionSyntaxCheck.findError((String) value).ifPresent(error -> fail(where + ": " + error));
                        assertTrue(expressions.isValidExpressionStatement((String) value), where + ": " + value);
                    }
                    if (key.equals("document_id") || key.equals("index")) {
                        assertTrue(expressions.isValidFormatExpression(value.toString()), where + ": " + value);
                    }
                });
            }
        }
    }

    @Test
    void eachProviderDirectoryLoadsAsOneRunOfThreeStages() {
        for (final String set : SETS) {
            for (final String provider : PROVIDERS) {
                final Path directory = PIPELINES.resolve(set).resolve(provider);
                final PipelinesDocument document = parse(directory, new HashSet<>());
                validator.validate(document);
                assertEquals(STAGE_NAMES.stream().map(s -> provider + "-" + s).toList(),
                        document.pipelines().stream().map(PipelineDefinition::name).toList(), directory.toString());
            }
        }
    }

    @Test
    void theBuiltInBedrockRunIsTheBedrockRunUnderItsOwnPrefixWithABuiltInModelAndNoHost() {
        for (final String set : SETS) {
            final Stages bedrock = stages(set, "bedrock");
            final Stages builtIn = stages(set, "bedrock-builtin");
            for (int stage = 0; stage < 3; stage++) {
                final PipelineDefinition theirs = List.of(bedrock.prepare(), bedrock.trigger(), bedrock.ingest()).get(stage);
                final PipelineDefinition ours = List.of(builtIn.prepare(), builtIn.trigger(), builtIn.ingest()).get(stage);
                final String where = set + "/bedrock-builtin, stage " + (stage + 1) + ": ";
                assertEquals(underOwnPrefix(theirs.source().settings()), ours.source().settings().toString(), where + "source");
                assertEquals(underOwnPrefix(theirs.routes().stream().map(r -> r.name() + ": " + r.condition()).toList()),
                        ours.routes().stream().map(r -> r.name() + ": " + r.condition()).toList().toString(), where + "routes");
                assertEquals(underOwnPrefix(theirs.sinks().stream().map(x -> x.plugin().settings() + " " + x.routes()).toList()),
                        ours.sinks().stream().map(x -> x.plugin().settings() + " " + x.routes()).toList().toString(), where + "sinks");
                if (stage != 1) {
                    assertEquals(underOwnPrefix(theirs.processors().stream().map(p -> p.name() + p.settings()).toList()),
                            ours.processors().stream().map(p -> p.name() + p.settings()).toList().toString(), where + "processors");
                }
            }
            final Map<String, Object> ml = new TreeMap<>(builtIn.trigger().processors().get(0).settings());
            assertFalse(ml.containsKey("host"), set + ": no ML Commons host");
            assertEquals("amazon.titan-embed-text-v2:0", ml.get("model_id"), set);
            assertTrue(((Map<?, ?>) ml.get("aws")).get("job_sts_role_arn").toString().matches("arn:aws:iam::.+:role/.+"), set);
            final Map<String, Object> same = new TreeMap<>(bedrock.trigger().processors().get(0).settings());
            for (final Map<String, Object> settings : List.of(ml, same)) {
                settings.keySet().removeAll(List.of("host", "model_id", "aws", "bedrock_endpoint"));
            }
            assertEquals(underOwnPrefix(same), ml.toString(), set + ": every other ml_inference option is Bedrock's");
        }
    }

    /** Bedrock's settings as the built-in run has them: the same, under {@code bedrock-builtin/} and its own index. */
    private static String underOwnPrefix(final Object bedrockSettings) {
        return bedrockSettings.toString().replace("bedrock/", "bedrock-builtin/").replace("wordnet-bedrock", "wordnet-bedrock-builtin");
    }

    @Test
    void osiFilesHoldPlaceholdersThatTheReadmeExplainsAndNoLocalValues() throws IOException {
        final String readme = Files.readString(PIPELINES.resolve("README.md"));
        final Set<String> placeholders = new TreeSet<>();
        for (final Path file : pipelineFiles().filter(p -> p.startsWith(PIPELINES.resolve("osi"))).toList()) {
            final String text = Files.readString(file);
            // Parsing with no environment at all fails on any ${{env:...}} reference.
            parse(file, new HashSet<>());
            // ${{aws_secrets:...}} is how OSI reads a secret (the providers' API keys); ${{env:...}} is local only.
            for (final String local : List.of("127.0.0.1", "localhost", "${{env:", "MLBATCH_")) {
                assertFalse(text.contains(local), file + " contains the local value '" + local + "'");
            }
            final Matcher matcher = PLACEHOLDER.matcher(text);
            while (matcher.find()) {
                placeholders.add(matcher.group());
            }
        }
        assertTrue(placeholders.containsAll(List.of("<your-bucket>", "<your-region>", "<your-account-id>",
                "<your-domain-endpoint>", "<your-sagemaker-batch-model-id>", "<your-bedrock-batch-model-id>",
                "<your-openai-batch-model-id>", "<your-cohere-batch-model-id>", "<your-openai-secret-arn>",
                "<your-cohere-secret-arn>")), placeholders.toString());
        for (final String placeholder : placeholders) {
            assertTrue(readme.contains(placeholder), "pipelines/README.md does not explain " + placeholder);
        }
    }

    @Test
    void localFilesUseOnlyKeysTheLocalStackWrites() throws IOException {
        final Set<String> used = new TreeSet<>();
        for (final Path file : pipelineFiles().filter(p -> p.startsWith(PIPELINES.resolve("local"))).toList()) {
            parse(file, used);
            assertFalse(PLACEHOLDER.matcher(Files.readString(file)).find(), file + " still holds an OSI placeholder");
        }
        assertTrue(used.containsAll(List.of("MLBATCH_S3_BUCKET", "AWS_REGION", "MLBATCH_GATEWAY_URL",
                "MLBATCH_SAGEMAKER_BATCH_MODEL_ID", "MLBATCH_BEDROCK_BATCH_MODEL_ID", "MLBATCH_OPENAI_BATCH_MODEL_ID",
                "MLBATCH_COHERE_BATCH_MODEL_ID", "MLBATCH_OPENAI_API_KEY", "MLBATCH_COHERE_API_KEY")), used.toString());
        final Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(STACK_ENV_KEYS);
        // The index to fill is the one key whoever runs the stages sets (the demo: wordnet-<provider>; mlbatch index).
        assertTrue(used.contains("MLBATCH_INDEX"), "the local files take their index from MLBATCH_INDEX: " + used);
        unknown.remove("MLBATCH_INDEX");
        assertTrue(unknown.isEmpty(), "env keys the local stack does not write: " + unknown);
    }

    @Test
    void eachStageReadsWhatThePreviousStageWrites() {
        for (final String set : SETS) {
            for (final String provider : PROVIDERS) {
                final Stages stages = stages(set, provider);
                final String where = set + "/" + provider + ": ";
                final Map<String, Object> inputSink = stages.inputFileSink().plugin().settings();
                final Map<String, Object> triggerBucket = onlyScanBucket(stages.trigger());
                final Map<String, Object> ingestBucket = onlyScanBucket(stages.ingest());

                assertEquals("metadata_only", triggerBucket.get("data_selection"), where + "trigger scan");
                assertEquals("data_only", ingestBucket.get("data_selection"), where + "ingest scan");
                assertEquals(inputSink.get("bucket"), triggerBucket.get("name"), where + "input bucket");
                assertEquals(map(inputSink.get("object_key")).get("path_prefix"), includePrefixes(triggerBucket).get(0),
                        where + "the trigger scans the prefix the prepare stage writes");

                final Map<String, Object> ml = stages.mlInference().settings();
                assertEquals(provider.replace("-builtin", ""), ml.get("service_name"), where + "service_name");
                assertEquals("batch_predict", ml.get("action_type"), where + "action_type");
                assertEquals(withSlash("s3://" + ingestBucket.get("name") + "/" + includePrefixes(ingestBucket).get(0)),
                        withSlash((String) ml.get("output_path")), where + "the ingest stage scans the jobs' output_path");

                final String mlWhen = (String) ml.get("ml_when");
                assertTrue(expressions.evaluateConditional(mlWhen, metadataEvent((String) triggerBucket.get("name"))),
                        where + "ml_when must hold for an object of the input bucket: " + mlWhen);
                assertFalse(expressions.evaluateConditional(mlWhen, metadataEvent("some-other-bucket")),
                        where + "ml_when must not hold for another bucket: " + mlWhen);
            }
        }
    }

    @Test
    void failedJobsAreRoutedToTheirOwnSink() {
        for (final String set : SETS) {
            for (final String provider : PROVIDERS) {
                final Stages stages = stages(set, provider);
                final List<?> tags = (List<?>) stages.mlInference().settings().get("tags_on_failure");
                assertNotNull(tags, set + "/" + provider + ": ml_inference needs tags_on_failure");
                final Event failed = metadataEvent("b");
                failed.getMetadata().addTags(tags.stream().map(Object::toString).toList());
                final List<String> failedRoutes = matchingRoutes(stages.trigger(), failed);
                final List<String> okRoutes = matchingRoutes(stages.trigger(), metadataEvent("b"));
                assertFalse(failedRoutes.isEmpty(), set + "/" + provider + ": no route takes a failed input object");
                assertTrue(okRoutes.isEmpty(), set + "/" + provider + ": a submitted object must only reach _default");
                assertTrue(stages.trigger().sinks().stream().anyMatch(s -> s.routes().containsAll(failedRoutes)),
                        set + "/" + provider + ": no sink for failed input objects");
                assertTrue(stages.trigger().sinks().stream().anyMatch(s -> s.routes().contains(PipelineGraphValidator.DEFAULT_ROUTE)),
                        set + "/" + provider + ": submitted input objects go nowhere");
            }
        }
    }

    @Test
    void corpusRecordsReachTheInputFilesAndInvalidOnesAreKeptAside() throws IOException {
        final Map<String, Object> record = JSON.readValue(Files.readAllLines(EXAMPLES.resolve("corpus/wordnet-synsets.jsonl")).get(0),
                JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
        for (final String set : SETS) {
            for (final String provider : PROVIDERS) {
                final Stages stages = stages(set, provider);
                final String where = set + "/" + provider + ": ";
                final String rawKey = includePrefixes(onlyScanBucket(stages.prepare())).get(0) + "corpus.jsonl";
                final List<String> routes = matchingRoutes(stages.prepare(), rawRecord(record, rawKey));
                assertTrue(stages.inputFileSink().routes().stream().anyMatch(routes::contains), where + "a corpus record misses the input files");
                final Map<String, Object> noText = new LinkedHashMap<>(record);
                noText.put("text", "");
                assertTrue(matchingRoutes(stages.prepare(), rawRecord(noText, rawKey)).isEmpty(),
                        where + "a record with an empty text must only reach _default");
                if (provider.equals("openai")) {
                    // Stage 3 reads the raw object back by name: a record of one it cannot find is refused before a paid job.
                    for (final String unmappable : List.of("corpus.jsonl.gz", "sub/corpus.jsonl", "my corpus.jsonl", "corpus.json")) {
                        final Event event = rawRecord(record, rawKey.replace("corpus.jsonl", unmappable));
                        assertTrue(matchingRoutes(stages.prepare(), event).isEmpty(), where + unmappable + " must only reach _default");
                        applyAddEntries(stages.prepare(), event);
                        assertTrue(event.get("rejection_reason", String.class).startsWith("the raw object must be named <name>.jsonl"),
                                where + unmappable + ": " + event.get("rejection_reason", String.class));
                    }
                }
                assertTrue(stages.prepare().sinks().stream().anyMatch(s -> s.routes().contains(PipelineGraphValidator.DEFAULT_ROUTE)),
                        where + "rejected records go nowhere");
            }
        }
    }

    @Test
    void bedrockInputLinesCarryOnlyRecordIdAndModelInputAndTheDocumentIsIndexedSeparately() {
        for (final String set : SETS) {
            final Stages stages = stages(set, "bedrock");
            assertEquals(List.of("recordId", "modelInput"), stages.inputFileSink().includeKeys(), set + ": Bedrock input line keys");
            final Map<String, String> copies = copies(stages.prepare());
            assertEquals("recordId", copies.get("_id"), set + ": recordId must be the document id");
            assertEquals("modelInput/inputText", copies.get("text"), set + ": the text must be Titan's inputText");
            final Map<String, Object> codec = map(map(stages.inputFileSink().plugin().settings().get("codec")).get("ndjson"));
            assertEquals("jsonl", codec.get("extension"), set + ": Bedrock reads only .jsonl files");

            final List<SinkDefinition> sourceDocuments = openSearchSinks(stages.prepare());
            assertEquals(1, sourceDocuments.size(), set + ": the prepare stage indexes the source documents");
            assertEquals("upsert", sourceDocuments.get(0).plugin().settings().get("action"), set + ": prepare action");
            final List<SinkDefinition> vectors = openSearchSinks(stages.ingest());
            assertEquals(1, vectors.size(), set + ": the ingest stage indexes the vectors");
            assertEquals("upsert", vectors.get(0).plugin().settings().get("action"), set + ": ingest action");
            assertEquals(sourceDocuments.get(0).plugin().settings().get("index"), vectors.get(0).plugin().settings().get("index"),
                    set + ": fields and vector must meet in one index");
            assertEquals("${/_id}", sourceDocuments.get(0).plugin().settings().get("document_id"), set + ": prepare document id");
            assertEquals("${/recordId}", vectors.get(0).plugin().settings().get("document_id"), set + ": ingest document id");
            assertEquals(Optional.of("text_embedding"), Optional.ofNullable(copies(stages.ingest()).get("modelOutput/embedding")),
                    set + ": Bedrock's embedding must become text_embedding");
        }
        for (final String set : SETS) {
            final Stages stages = stages(set, "sagemaker");
            assertEquals(List.of(), openSearchSinks(stages.prepare()), set + ": SageMaker's output carries the source fields");
            assertEquals("text_embedding", copies(stages.ingest()).get("SageMakerOutput"), set + ": SageMakerOutput must become text_embedding");
        }
    }

    @Test
    void openAiAndCohereInputLinesCarryOnlyTheirRequestKeysAndTheDocumentIsIndexedSeparately() {
        final Map<String, List<String>> lineKeys = Map.of("openai", List.of("custom_id", "method", "url", "body"),
                "cohere", List.of("id", "text"));
        final Map<String, String> documentIds = Map.of("openai", "${/custom_id}", "cohere", "${/id}");
        final Map<String, String> vectors = Map.of("openai", "response/body/data/0/embedding", "cohere", "embeddings/float");
        for (final String set : SETS) {
            for (final String provider : List.of("openai", "cohere")) {
                final String where = set + "/" + provider + ": ";
                final Stages stages = stages(set, provider);
                assertEquals(lineKeys.get(provider), stages.inputFileSink().includeKeys(), where + "input line keys");
                final String keptId = documentIds.get(provider).replaceAll("[${}/]", "");
                final List<Map<String, Object>> idEntries = stages.prepare().processors().stream()
                        .filter(p -> p.name().equals("add_entries"))
                        .flatMap(p -> ((List<?>) p.settings().get("entries")).stream().map(PublishedPipelinesTest::map))
                        .filter(e -> keptId.equals(e.get("key"))).toList();
                assertEquals(1, idEntries.size(), where + "one add_entries entry writes " + keptId);
                assertEquals("${/_id}", idEntries.get(0).get("format"), where + keptId + " must be the _id, as a string");
                assertEquals(documentIds.get(provider), openSearchSinks(stages.ingest()).get(0).plugin().settings().get("document_id"),
                        where + "ingest document id");
                if (provider.equals("openai")) {
                    assertOutputsAreJoinedToTheirRawDocuments(stages, where);
                } else {
                    assertEquals("${/_id}", openSearchSinks(stages.prepare()).get(0).plugin().settings().get("document_id"),
                            where + "prepare document id");
                }
                assertEquals("text_embedding", copies(stages.ingest()).get(vectors.get(provider)), where + "the vector must become text_embedding");
            }
        }
    }

    /**
     * OpenAI: stage 1 indexes nothing; stage 3's s3_enrich finds each output's raw document by the names stage 1 and
     * stage 2 give (raw {@code <name>.jsonl} -> input {@code <name>-<12 hex>-<ordinal>.jsonl} -> output
     * {@code <input name>.out}), joins on custom_id = _id, and only enriched lines reach the index.
     */
    private void assertOutputsAreJoinedToTheirRawDocuments(final Stages stages, final String where) {
        assertEquals(List.of(), openSearchSinks(stages.prepare()), where + "stage 3 is the index's only writer");
        assertEquals(Boolean.TRUE, map(stages.inputFileSink().plugin().settings().get("object_key")).get("name_from_source"),
                where + "input files must be named after their raw object");
        final List<PluginDefinition> enrich = stages.ingest().processors().stream().filter(p -> p.name().equals("s3_enrich")).toList();
        assertEquals(1, enrich.size(), where + "one s3_enrich in stage 3");
        final Map<String, Object> settings = enrich.get(0).settings();
        final String rawPrefix = includePrefixes(onlyScanBucket(stages.prepare())).get(0);
        assertEquals(rawPrefix, map(map(settings.get("bucket")).get("filter")).get("include_prefix"), where + "joined to the raw objects");
        assertEquals(onlyScanBucket(stages.prepare()).get("name"), map(settings.get("bucket")).get("name"), where + "raw bucket");
        assertEquals(List.of("custom_id"), settings.get("correlation_keys"), where + "correlation_keys");
        assertEquals("_id", settings.get("source_correlation_key"), where + "source_correlation_key");
        assertEquals(Boolean.TRUE, settings.get("merge_all_keys"), where + "every field of the raw document");
        final Matcher name = Pattern.compile((String) settings.get("s3_object_name_pattern")).matcher("corpus.v2-0a1b2c3d4e5f-0000000500.jsonl.out");
        assertTrue(name.matches() && name.group(1).equals("corpus.v2"), where + "an output's name must lead back to its raw object");
        final List<String> tags = ((List<?>) settings.get("tags_on_failure")).stream().map(Object::toString).toList();
        final Event notEnriched = JacksonEvent.builder().withEventType("event")
                .withData(new LinkedHashMap<>(Map.of("custom_id", "x", "text_embedding", List.of(0.5)))).build();
        final List<String> routesOfEnriched = matchingRoutes(stages.ingest(), notEnriched);
        notEnriched.getMetadata().addTags(tags);
        assertFalse(openSearchSinks(stages.ingest()).get(0).routes().stream().anyMatch(matchingRoutes(stages.ingest(), notEnriched)::contains),
                where + "a line without its raw document must not be indexed half-made");
        assertTrue(openSearchSinks(stages.ingest()).get(0).routes().stream().anyMatch(routesOfEnriched::contains), where + "an enriched line is indexed");
    }

    private static Event rawRecord(final Map<String, Object> record, final String rawKey) {
        final Event event = JacksonEvent.builder().withEventType("event").withData(new LinkedHashMap<>(record)).build();
        event.getMetadata().setAttribute("s3_key", rawKey);
        return event;
    }

    @Test
    void documentsNeverCarryTheIdTheyAreAddressedByAndUseTheExampleTemplate() throws IOException {
        final JsonNode template384 = JSON.readTree(EXAMPLES.resolve("index-template.json").toFile());
        final JsonNode templateTitan = JSON.readTree(EXAMPLES.resolve("index-template-titan-v2.json").toFile());
        final JsonNode templateOpenAi = JSON.readTree(EXAMPLES.resolve("index-template-openai.json").toFile());
        for (final String set : SETS) {
            for (final String provider : PROVIDERS) {
                final Stages stages = stages(set, provider);
                // Locally every provider answers with all-MiniLM-L6-v2 (384); on the real services each model has its own size.
                final JsonNode expected = set.equals("local") ? template384
                        : switch (provider) {
                            case "bedrock", "bedrock-builtin", "cohere" -> templateTitan;
                            case "openai" -> templateOpenAi;
                            default -> template384;
                        };
                final String vectorField = copies(stages.ingest()).values().iterator().next().replaceFirst("^/", "");
                assertEquals("knn_vector", expected.at("/template/mappings/properties/" + vectorField + "/type").asText(),
                        set + "/" + provider + ": the ingest stage writes '" + vectorField + "', which the template does not map as knn_vector");
                for (final PipelineDefinition pipeline : List.of(stages.prepare(), stages.ingest())) {
                    for (final SinkDefinition sink : openSearchSinks(pipeline)) {
                        final String where = set + "/" + provider + ", pipeline '" + pipeline.name() + "': ";
                        final Map<String, Object> settings = sink.plugin().settings();
                        assertEquals(expected, JSON.readTree((String) settings.get("template_content")), where + "template_content");
                        assertEquals("index-template", settings.get("template_type"), where + "template_type");
                        final Matcher id = FIELD_REFERENCE.matcher(String.valueOf(settings.get("document_id")));
                        assertTrue(id.matches(), where + "document_id must name one field: " + settings.get("document_id"));
                        assertTrue(sink.excludeKeys().contains(id.group(1)),
                                where + "'" + id.group(1) + "' addresses the document and must be in exclude_keys");
                    }
                }
            }
        }
    }

    @Nested
    class ExampleData {
        @Test
        void everyQuestionIsAnsweredWithinTheFirstThousandRecords() throws IOException {
            final List<String> lines = Files.readAllLines(EXAMPLES.resolve("corpus/wordnet-synsets.jsonl"));
            assertTrue(lines.size() >= 10_000, "corpus records: " + lines.size());
            final Set<String> ids = new HashSet<>();
            final Set<String> firstThousand = new HashSet<>();
            final Set<String> texts = new HashSet<>();
            for (int i = 0; i < lines.size(); i++) {
                final JsonNode record = JSON.readTree(lines.get(i));
                final String id = record.path("_id").asText();
                assertTrue(id.matches("[A-Za-z0-9]{1,63}"), "line " + (i + 1) + ": _id must suit a Bedrock recordId: " + id);
                assertTrue(ids.add(id), "line " + (i + 1) + ": duplicate _id " + id);
                assertFalse(record.path("text").asText().isBlank(), "line " + (i + 1) + ": empty text");
                texts.add(record.path("text").asText());
                if (i < 1000) {
                    firstThousand.add(id);
                }
            }
            final List<String> questions = Files.readAllLines(EXAMPLES.resolve("corpus/questions.jsonl"));
            assertTrue(questions.size() >= 50, "questions: " + questions.size());
            for (final String line : questions) {
                final JsonNode question = JSON.readTree(line);
                final String text = question.path("question").asText();
                assertTrue(firstThousand.contains(question.path("expected_id").asText()), "not within the first 1,000 records: " + line);
                assertTrue(texts.stream().noneMatch(t -> t.contains(text)), "the question is not held out, a record contains it: " + line);
            }
        }

        @Test
        void exampleSearchesQueryTheTemplatesVectorField() throws IOException {
            final JsonNode template = JSON.readTree(EXAMPLES.resolve("index-template.json").toFile());
            final int dimension = template.at("/template/mappings/properties/text_embedding/dimension").asInt();
            final JsonNode knn = JSON.readTree(EXAMPLES.resolve("searches/knn-query.json").toFile());
            final JsonNode vector = knn.at("/query/knn/text_embedding/vector");
            assertTrue(vector.isArray(), "knn-query.json must query text_embedding with a vector");
            assertEquals(dimension, vector.size(), "knn-query.json vector length");
            double norm = 0;
            for (final JsonNode value : vector) {
                norm += value.asDouble() * value.asDouble();
            }
            assertEquals(1.0, norm, 1e-3, "knn-query.json holds a real (unit-length) all-MiniLM-L6-v2 vector");
            final JsonNode neural = JSON.readTree(EXAMPLES.resolve("searches/neural-query.json").toFile());
            assertFalse(neural.at("/query/neural/text_embedding/query_text").asText().isBlank(), "neural-query.json query_text");
            assertFalse(neural.at("/query/neural/text_embedding/model_id").asText().isBlank(), "neural-query.json model_id");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private record Stages(PipelineDefinition prepare, PipelineDefinition trigger, PipelineDefinition ingest) {
        PluginDefinition mlInference() {
            return trigger.processors().stream().filter(p -> p.name().equals("ml_inference")).findFirst()
                    .orElseThrow(() -> new AssertionError(trigger.name() + " has no ml_inference processor"));
        }

        /** The s3 sink that writes the provider's input files: the one that is not for rejected records. */
        SinkDefinition inputFileSink() {
            final List<SinkDefinition> sinks = prepare.sinks().stream().filter(s -> s.plugin().name().equals("s3"))
                    .filter(s -> !s.routes().contains(PipelineGraphValidator.DEFAULT_ROUTE)).toList();
            assertEquals(1, sinks.size(), prepare.name() + ": exactly one s3 sink must write the input files");
            return sinks.get(0);
        }
    }

    private Stages stages(final String set, final String provider) {
        final Path directory = PIPELINES.resolve(set).resolve(provider);
        final List<PipelineDefinition> pipelines = new ArrayList<>();
        for (final String file : STAGE_FILES) {
            final PipelinesDocument document = parse(directory.resolve(file), new HashSet<>());
            assertEquals(1, document.pipelines().size(), directory.resolve(file) + " must hold one pipeline");
            pipelines.add(document.pipelines().get(0));
        }
        return new Stages(pipelines.get(0), pipelines.get(1), pipelines.get(2));
    }

    /** Parses with placeholder values for the local files' env references, recording the names asked for. */
    private static PipelinesDocument parse(final Path fileOrDirectory, final Set<String> envNamesUsed) {
        final boolean local = fileOrDirectory.normalize().toString().replace('\\', '/').contains("pipelines/local");
        final ValueReferenceResolver resolver = new ValueReferenceResolver(name -> {
            envNamesUsed.add(name);
            if (!local) {
                return Optional.empty();
            }
            return Optional.of(switch (name) {
                case "MLBATCH_S3_BUCKET" -> LOCAL_BUCKET;
                case "AWS_REGION" -> "us-east-1";
                case "MLBATCH_GATEWAY_URL" -> "http://127.0.0.1:9201";
                default -> "placeholder-" + name.toLowerCase();
            });
        }, (prefix, name) -> !local && prefix.equals("aws_secrets") ? Optional.of("secret-" + name) : Optional.empty());
        return new PipelinesParser(resolver).parse(fileOrDirectory);
    }

    private static List<PluginDefinition> plugins(final PipelineDefinition pipeline) {
        final List<PluginDefinition> plugins = new ArrayList<>();
        plugins.add(pipeline.source());
        if (pipeline.buffer() != null) {
            plugins.add(pipeline.buffer());
        }
        plugins.addAll(pipeline.processors());
        pipeline.sinks().forEach(s -> plugins.add(s.plugin()));
        return plugins;
    }

    private interface SettingVisitor {
        void visit(String key, Object value);
    }

    private static void forEachSetting(final Object node, final String path, final SettingVisitor visitor) {
        if (node instanceof Map<?, ?> mapNode) {
            mapNode.forEach((k, v) -> {
                visitor.visit(k.toString(), v);
                forEachSetting(v, path + "." + k, visitor);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(element -> forEachSetting(element, path, visitor));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value) {
        assertTrue(value instanceof Map, "expected a mapping, got " + value);
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> onlyScanBucket(final PipelineDefinition pipeline) {
        assertEquals("s3", pipeline.source().name(), pipeline.name() + " source");
        final List<?> buckets = (List<?>) map(pipeline.source().settings().get("scan")).get("buckets");
        assertEquals(1, buckets.size(), pipeline.name() + ": one scanned bucket");
        return map(map(buckets.get(0)).get("bucket"));
    }

    private static List<String> includePrefixes(final Map<String, Object> bucket) {
        final List<?> prefixes = (List<?>) map(bucket.get("filter")).get("include_prefix");
        assertNotNull(prefixes, "filter.include_prefix is needed for data_selection to apply (upstream)");
        return prefixes.stream().map(Object::toString).toList();
    }

    private static String withSlash(final String uri) {
        return uri.endsWith("/") ? uri : uri + "/";
    }

    /** from_key -> to_key of every copy_values entry, without leading slashes. */
    private static Map<String, String> copies(final PipelineDefinition pipeline) {
        final Map<String, String> copies = new LinkedHashMap<>();
        pipeline.processors().stream().filter(p -> p.name().equals("copy_values")).forEach(p -> {
            for (final Object entry : (List<?>) p.settings().get("entries")) {
                final Map<String, Object> e = map(entry);
                copies.put(e.get("from_key").toString().replaceFirst("^/", ""), e.get("to_key").toString().replaceFirst("^/", ""));
            }
        });
        return copies;
    }

    private static List<SinkDefinition> openSearchSinks(final PipelineDefinition pipeline) {
        return pipeline.sinks().stream().filter(s -> s.plugin().name().equals("opensearch")).toList();
    }

    private List<String> matchingRoutes(final PipelineDefinition pipeline, final Event event) {
        applyAddEntries(pipeline, event);
        return pipeline.routes().stream().filter(r -> expressions.evaluateConditional(r.condition(), event))
                .map(RouteDefinition::name).toList();
    }

    /**
     * The stage-1 pipelines mark records with add_entries (key, value, add_when; first match wins) before routing on
     * the mark; this applies those entries (only that subset) so the routes see what they see in a run.
     */
    private void applyAddEntries(final PipelineDefinition pipeline, final Event event) {
        pipeline.processors().stream().filter(p -> p.name().equals("add_entries")).forEach(p -> {
            for (final Object entry : (List<?>) p.settings().get("entries")) {
                final Map<String, Object> e = map(entry);
                final String key = e.get("key").toString();
                final Object when = e.get("add_when");
                if (!event.containsKey(key) && (when == null || expressions.evaluateConditional(when.toString(), event))) {
                    event.put(key, e.get("value"));
                }
            }
        });
    }

    private static Event metadataEvent(final String bucket) {
        final Map<String, Object> data = new LinkedHashMap<>();
        data.put("bucket", bucket);
        data.put("key", "prefix/events-1.jsonl");
        data.put("length", 1234L);
        return JacksonEvent.builder().withEventType("event").withData(data).build();
    }
}
