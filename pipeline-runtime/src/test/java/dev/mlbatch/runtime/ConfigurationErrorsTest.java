package dev.mlbatch.runtime;

import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.testplugins.CollectingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
