package dev.mlbatch.runtime;

import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.testplugins.CollectingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad input stops start-up with one line naming file, pipeline, plugin and key. */
class ConfigurationErrorsTest {
    @TempDir
    Path dir;

    private String startupError(final String yaml) throws Exception {
        return startupError(yaml, Map.of());
    }

    private String startupError(final String yaml, final Map<String, String> env) throws Exception {
        final Path file = dir.resolve("bad.yaml");
        Files.writeString(file, yaml);
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(file).envFile(null).env(env).build();
        final ConfigurationException e = assertThrows(ConfigurationException.class, runtime::start);
        runtime.shutdown();
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private static final String GOOD_SINK = """
              sink:
                - collecting: { name: x }
            """;

    @Test
    void validateReportsWhatStartWouldWithoutRunningAnything() throws Exception {
        final Path bad = Files.writeString(dir.resolve("bad.yaml"), "p:\n  source:\n    counting: { count: 1, colour: red }\n" + GOOD_SINK);
        final ConfigurationException e = assertThrows(ConfigurationException.class,
                DataPrepperRuntime.builder().pipelines(bad).envFile(null).build()::validate);
        assertTrue(e.getMessage().contains("plugin 'counting', key 'colour': unknown key 'colour'"), e.getMessage());

        final Path good = Files.writeString(dir.resolve("good.yaml"), "p:\n  source:\n    counting: { count: 5 }\n  sink:\n"
                + "    - collecting: { name: validate-only }\n");
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(good).envFile(null).build();
        runtime.validate();
        assertEquals(List.of(), CollectingSink.received("validate-only"), "validate() starts no source");
        assertEquals(-1, runtime.getServerPort(), "validate() opens no server");
    }

    @Test
    void yamlSyntaxErrorNamesLineColumnAndPipeline() throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1
                  sink:
                    - collecting: { name: x }
                """);
        assertTrue(message.startsWith("bad.yaml line "), message);
        assertTrue(message.contains("column"), message);
        assertTrue(message.contains("pipeline 'p'"), message);
        assertTrue(message.contains("YAML syntax error"), message);
    }

    /**
     * Malformed files: each names the line holding the fault (marked ⟦here⟧ in the case, where the marker is removed
     * before the file is written) and a wording a person recognises. The reported line and column must be those of
     * the marker: earlier the runtime reported the parser's last token, often on the line before.
     */
    static Stream<Arguments> malformedYaml() {
        return Stream.of(
                Arguments.of("tab indenting a list item", """
                        p:
                          source:
                            counting: { count: 1 }
                          sink:
                        ⟦here⟧\t- collecting: { name: x }
                        """, "a tab character is not allowed for indentation in YAML; use spaces"),
                Arguments.of("tab after spaces in the indentation of a key", """
                        p:
                          source:
                            counting: { count: 1 }
                          ⟦here⟧\tsink:
                            - collecting: { name: x }
                        """, "a tab character is not allowed for indentation in YAML; use spaces"),
                Arguments.of("tab between a key and its value", """
                        p:
                          source:
                            counting:⟦here⟧\t{ count: 1 }
                          sink:
                            - collecting: { name: x }
                        """, "a tab character is not allowed here in YAML; use spaces"),
                Arguments.of("key indented one space too far", """
                        p:
                          source:
                            counting: { count: 1 }
                           ⟦here⟧sink:
                            - collecting: { name: x }
                        """, "bad indentation: this line is indented 3 spaces"),
                Arguments.of("list item out of line with the one above", """
                        p:
                          source:
                            counting: { count: 1 }
                          sink:
                            - collecting: { name: x }
                           ⟦here⟧- collecting: { name: y }
                        """, "bad indentation: this line is indented 3 spaces"),
                Arguments.of("key indented under a key that has a value", """
                        p:
                          source:
                            counting:
                              count: 1
                                run_id⟦here⟧: a
                          sink:
                            - collecting: { name: x }
                        """, "a ':' that starts a key is not allowed here"),
                Arguments.of("unclosed double quote", """
                        p:
                          source:
                            counting: { count: 1 }
                          sink:
                            - collecting:
                                name: ⟦here⟧"x
                            - collecting: { name: y }
                        """, "the string opened by \" here is never closed"),
                Arguments.of("unclosed double quote that runs on to the next line's quote", """
                        p:
                          source:
                            counting: { count: 1 }
                          sink:
                            - collecting:
                                name: ⟦here⟧"x
                                run_id: "y"
                        """, "the string opened by \" here is never closed on its line, so it runs on to the \" on line 7"),
                Arguments.of("unclosed single quote in a flow mapping", """
                        p:
                          source:
                            counting: { count: 1, run_id: ⟦here⟧'a }
                          sink:
                            - collecting: { name: x }
                        """, "the string opened by ' here is never closed"),
                Arguments.of("typographic closing quote", """
                        p:
                          source:
                            counting: { count: 1 }
                          sink:
                            - collecting:
                                name: "x⟦here⟧”
                                acknowledge: true
                        """, "typographic quote '”' where a straight quote '\"' is needed"),
                Arguments.of("unclosed flow mapping", """
                        p:
                          source:
                            counting: ⟦here⟧{ count: 1
                          sink:
                            - collecting: { name: x }
                        """, "the '{' opened here is not closed with '}' on its line"),
                Arguments.of("backslash escape in double quotes", """
                        p:
                          source:
                            counting: { count: 1 }
                          sink:
                            - collecting: { name: "C:⟦here⟧\\data" }
                        """, "found unknown escape character d(100) in a double-quoted string; a backslash starts an escape there"),
                Arguments.of("duplicate key", """
                        p:
                          source:
                            counting: { count: 1 }
                          sink:
                            - collecting:
                                name: x
                                name⟦here⟧: y
                        """, "Duplicate field 'name'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedYaml")
    void yamlSyntaxErrorPointsAtTheLineAndColumnOfTheFault(final String fault, final String marked, final String wording)
            throws Exception {
        final String marker = "⟦here⟧";
        final int at = marked.indexOf(marker);
        final int line = (int) marked.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        final int column = at - marked.lastIndexOf('\n', at - 1);
        final String message = startupError(marked.replace(marker, ""));
        final Matcher where = Pattern.compile("^bad\\.yaml line (\\d+) column (\\d+)[,:]").matcher(message);
        assertTrue(where.find(), message);
        assertEquals(line, Integer.parseInt(where.group(1)), "line of the fault: " + message);
        assertEquals(column, Integer.parseInt(where.group(2)), "column of the fault: " + message);
        assertTrue(message.contains("YAML syntax error: " + wording), message);
        assertTrue(message.contains("pipeline 'p'"), message);
    }

    @Test
    void indentationFaultNamesOnlyThePipelineSinceTheNestingIsInDoubt() throws Exception {
        final String message = startupError("p:\n  source:\n    counting:\n      count: 1\n   sink:\n    - collecting: { name: x }\n");
        assertTrue(message.startsWith("bad.yaml line 5 column 4, pipeline 'p': YAML syntax error: bad indentation"), message);
        final String tab = startupError("p:\n  source:\n    counting: { count: 1 }\n  sink:\n\t- collecting: { name: x }\n");
        assertTrue(tab.startsWith("bad.yaml line 5 column 1, pipeline 'p': YAML syntax error: a tab character"), tab);
    }

    @Test
    void runtimeConfigSyntaxErrorIsOneLineAtTheFault() throws Exception {
        final Path pipelines = Files.writeString(dir.resolve("ok.yaml"), "p:\n  source:\n    counting: { count: 1 }\n" + GOOD_SINK);
        final Path config = Files.writeString(dir.resolve("data-prepper-config.yaml"),
                "serverPort: 0\nsource_coordination:\n  store:\n\t  in_memory: {}\n");
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipelines).config(config).envFile(null).build();
        final ConfigurationException e = assertThrows(ConfigurationException.class, runtime::start);
        runtime.shutdown();
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().startsWith("data-prepper-config.yaml line 4 column 1"), e.getMessage());
        assertTrue(e.getMessage().contains("a tab character is not allowed for indentation in YAML; use spaces"), e.getMessage());
    }

    @Test
    void aSecretsManagerReferenceIsNamedAsOneTheLocalRuntimeCannotResolve() throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1 }
                  sink:
                    - collecting: { name: "${{aws_secrets:openai:api_key}}" }
                """, Map.of());
        assertTrue(message.startsWith("bad.yaml, pipeline 'p', plugin 'collecting', key 'name': "), message);
        assertTrue(message.contains("unsupported value reference '${{aws_secrets:openai:api_key}}': the local runtime resolves only ${{env:NAME}}"),
                message);
    }

    @Test
    void singleBraceEnvironmentReferenceIsRefusedWithDataPreppersSyntax() throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1 }
                  sink:
                    - collecting: { name: "${env:MLBATCH_SINK_NAME}" }
                """, Map.of("MLBATCH_SINK_NAME", "set"));
        assertTrue(message.startsWith("bad.yaml, pipeline 'p', plugin 'collecting', key 'name': "), message);
        assertTrue(message.contains("'${env:MLBATCH_SINK_NAME}' is not a value reference"), message);
        assertTrue(message.contains("Data Prepper's syntax is ${{env:MLBATCH_SINK_NAME}}"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"${{env:MLBATCH_SINK_NAME}", "${{ env:MLBATCH_SINK_NAME }}", "${{env: MLBATCH_SINK_NAME}}",
            "{{env:MLBATCH_SINK_NAME}}", "prefix-${env:MLBATCH_SINK_NAME}-suffix", "${{env:OTHER}}/${env:MLBATCH_SINK_NAME}"})
    void nearMissEnvironmentReferencesAreRefusedWithTheFix(final String value) throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1 }
                  sink:
                    - collecting:
                        name: '%s'
                """.formatted(value), Map.of("MLBATCH_SINK_NAME", "set", "OTHER", "other"));
        assertTrue(message.startsWith("bad.yaml, pipeline 'p', plugin 'collecting', key 'name': "), message);
        assertTrue(message.contains("${{env:MLBATCH_SINK_NAME}}"), "names the fix: " + message);
        assertFalse(message.contains("is not set"), message);
    }

    @Test
    void eventFormatsWithSingleBracesAreLeftAlone() throws Exception {
        final Path file = dir.resolve("formats.yaml");
        Files.writeString(file, """
                p:
                  delay: 10
                  source:
                    counting: { count: 1 }
                  sink:
                    - collecting: { name: "${{env:SINK_NAME}}-${/n}-${getMetadata(\\"k\\")}" }
                """);
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(file).envFile(null)
                .env(Map.of("SINK_NAME", "formats")).build();
        runtime.start();
        assertTrue(runtime.awaitFinished(java.time.Duration.ofSeconds(30)));
        runtime.shutdown();
        assertEquals(1, CollectingSink.received("formats-${/n}-${getMetadata(\"k\")}").size());
    }

    @Test
    void misspeltNamesGetTheNearestValidOne() throws Exception {
        assertTrue(startupError("p:\n  source:\n    counting: { cont: 1 }\n" + GOOD_SINK)
                .contains("plugin 'counting', key 'cont': unknown key 'cont'; did you mean 'count'? (valid keys: [acknowledgments, count, run_id])"));
        assertTrue(startupError("p:\n  source:\n    counting: { count: 1, runId: a }\n" + GOOD_SINK)
                .contains("unknown key 'runId'; did you mean 'run_id'?"));
        assertTrue(startupError("p:\n  source:\n    counting: { count: 1 }\n  procesor: []\n" + GOOD_SINK)
                .contains("pipeline 'p', key 'procesor': unknown pipeline key 'procesor'; did you mean 'processor'?"));
        assertTrue(startupError("p:\n  source:\n    counting: { count: 1 }\n  route:\n    - evens: '/n == 2'\n"
                + "  sink:\n    - collecting: { name: x, routes: [even] }\n")
                .contains("route 'even' is not defined in this pipeline; did you mean 'evens'?"));
        assertTrue(startupError("p:\n  source:\n    counting: { count: 1 }\n  sink:\n    - collecting: { nmae: x }\n")
                .contains("unknown key 'nmae'; did you mean 'name'?"), "two swapped letters are one typo");
        final String far = startupError("p:\n  source:\n    counting: { count: 1, colour: red }\n" + GOOD_SINK);
        assertFalse(far.contains("did you mean"), "no suggestion when nothing is close: " + far);
    }

    @Test
    void strayTypographicQuoteIsPointedOut() throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1 }
                  sink:
                    - opensearch:
                        hosts: [ "https://search-domain.us-east-1.es.amazonaws.com“ ]
                        index: "x"
                """);
        assertTrue(message.startsWith("bad.yaml line 6 column "), message);
        assertTrue(message.contains("pipeline 'p'"), message);
        assertTrue(message.contains("plugin 'opensearch'"), message);
        assertTrue(message.contains("key 'hosts'"), message);
        assertTrue(message.contains("typographic quote '“'"), message);
    }

    @Test
    void unknownPluginListsTheAvailableOnes() throws Exception {
        final String message = startupError("p:\n  source:\n    countin: { count: 1 }\n" + GOOD_SINK);
        assertTrue(message.contains("pipeline 'p', plugin 'countin': unknown source plugin 'countin'; did you mean 'counting'?"
                + " (available: counting"), message);
    }

    @Test
    void unknownConfigKeyIsNamed() throws Exception {
        final String message = startupError("p:\n  source:\n    counting: { count: 1, colour: red }\n" + GOOD_SINK);
        assertTrue(message.contains("plugin 'counting', key 'colour': unknown key 'colour'"), message);
    }

    @Test
    void wrongTypeIsNamed() throws Exception {
        final String message = startupError("p:\n  source:\n    counting: { count: many }\n" + GOOD_SINK);
        assertTrue(message.contains("plugin 'counting', key 'count': wrong type"), message);
        assertTrue(message.contains("whole number"), message);
    }

    @Test
    void missingRequiredKeyIsNamed() throws Exception {
        final String message = startupError("p:\n  source:\n    counting: {}\n" + GOOD_SINK);
        assertTrue(message.contains("plugin 'counting', key 'count': must not be null"), message);
    }

    @Test
    void invalidConditionNamesKeyAndPosition() throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1 }
                  processor:
                    - test_drop: { drop_when: '/n >>= 3' }
                """ + GOOD_SINK);
        assertTrue(message.contains("pipeline 'p', plugin 'test_drop', key 'drop_when': invalid expression \"/n >>= 3\": column"), message);
    }

    @Test
    void invalidRouteExpressionNamesRoute() throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1 }
                  route:
                    - evens: '/kind == '
                """ + GOOD_SINK);
        assertTrue(message.contains("pipeline 'p', key 'route.evens': invalid expression"), message);
        assertTrue(message.contains("column"), message);
    }

    @Test
    void undefinedRouteUsedBySinkIsNamed() throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1 }
                  route:
                    - evens: '/kind == "even"'
                  sink:
                    - collecting: { name: x, routes: [odds] }
                """);
        assertTrue(message.contains("plugin 'collecting', key 'routes': route 'odds' is not defined in this pipeline (defined routes: evens"), message);
    }

    @Test
    void connectorToMissingPipelineIsNamed() throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1 }
                  sink:
                    - pipeline: { name: nowhere }
                """);
        assertTrue(message.contains("pipeline 'p', plugin 'pipeline', key 'name': pipeline sink points at pipeline 'nowhere', which is not defined"), message);
    }

    @Test
    void cycleBetweenPipelinesIsNamed() throws Exception {
        final String message = startupError("""
                a:
                  source:
                    pipeline: { name: b }
                  sink:
                    - pipeline: { name: b }
                b:
                  source:
                    pipeline: { name: a }
                  sink:
                    - pipeline: { name: a }
                """);
        assertTrue(message.contains("pipelines form a cycle: a -> b -> a"), message);
    }

    @Test
    void unsetEnvironmentReferenceIsNamed() throws Exception {
        final String message = startupError("""
                p:
                  source:
                    counting: { count: 1 }
                  sink:
                    - collecting: { name: "${{env:MLBATCH_TEST_SURELY_UNSET}}" }
                """);
        assertTrue(message.contains("plugin 'collecting', key 'name': environment variable 'MLBATCH_TEST_SURELY_UNSET'"), message);
    }

    @Test
    void newerPipelineVersionIsRejected() throws Exception {
        final String message = startupError("version: \"2.99\"\np:\n  source:\n    counting: { count: 1 }\n" + GOOD_SINK);
        assertTrue(message.contains("key 'version': pipeline version 2.99 is newer"), message);
    }

    @Test
    void environmentReferencesResolveFromOverrides() throws Exception {
        final Path file = dir.resolve("env.yaml");
        Files.writeString(file, """
                p:
                  delay: 10
                  source:
                    counting: { count: 3 }
                  sink:
                    - collecting: { name: "${{env:SINK_NAME}}-out" }
                """);
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(file).envFile(null)
                .env(Map.of("SINK_NAME", "resolved")).build();
        runtime.start();
        assertTrue(runtime.awaitFinished(java.time.Duration.ofSeconds(30)));
        runtime.shutdown();
        assertEquals(3, dev.mlbatch.runtime.testplugins.CollectingSink.received("resolved-out").size());
    }
}
