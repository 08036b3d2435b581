package dev.mlbatch.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlbatch.stack.JvmClasspath;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution: target/lib keeps everything the command-line and services JVMs need, and the pipeline
 * class path it names (lib/pipeline.classpath, the same jars as target/pipeline-lib) has no model runtime, no stack,
 * no S3 test server, and runs pipelines.
 */
class PipelineClasspathIT {

    /** Packages that belong to the model service, the stack, the S3 server and the command-line tools. */
    private static final List<String> NOT_IN_A_PIPELINE_JVM = List.of(
            "ai/onnxruntime/", "ai/djl/", "dev/langchain4j/", "org/gaul/s3proxy/",
            "dev/mlbatch/stack/", "dev/mlbatch/demo/", "dev/mlbatch/bench/", "dev/mlbatch/compat/");

    private static Path lib;
    private static Path pipelineLib;
    private static List<Path> pipelineJars;

    @TempDir
    Path work;

    @BeforeAll
    static void pipelineClasspath() {
        lib = Path.of(System.getProperty("mlbatch.distribution.lib"));
        pipelineLib = Path.of(System.getProperty("mlbatch.distribution.pipelineLib"));
        String classpath = JvmClasspath.forPipelines(lib).orElseThrow(() ->
                new AssertionError(lib.resolve(JvmClasspath.PIPELINE_JARS) + " is missing or names a jar not in " + lib));
        pipelineJars = Stream.of(classpath.split(File.pathSeparator)).map(Path::of).toList();
    }

    @Test
    void pipelineClasspathHoldsNoModelRuntimeStackOrS3ServerButLibDoes() throws IOException {
        Map<String, List<String>> inPipeline = owners(pipelineJars);
        Map<String, List<String>> inLib = owners(jarsIn(lib));

        assertEquals(Map.of(), inPipeline, "jars on the pipeline class path holding classes a pipeline JVM must not carry");
        // The check above finds what it looks for: the full lib does hold every one of those packages.
        assertEquals(NOT_IN_A_PIPELINE_JVM, List.copyOf(inLib.keySet()));
        assertTrue(pipelineJars.size() < jarsIn(lib).size());
    }

    @Test
    void pipelineLibFolderHoldsExactlyTheNamedJarsAndEachHasItsTwinInLib() throws IOException {
        List<String> named = pipelineJars.stream().map(p -> p.getFileName().toString()).sorted().toList();
        List<String> inFolder = jarsIn(pipelineLib).stream().map(p -> p.getFileName().toString()).sorted().toList();

        assertEquals(named, inFolder);
        for (Path jar : pipelineJars) {
            assertEquals(lib, jar.getParent(), jar + " is not in " + lib);
            assertEquals(Files.size(jar), Files.size(pipelineLib.resolve(jar.getFileName())), jar.getFileName().toString());
        }
    }

    @Test
    void pipelineClasspathHasTheRuntimeAndEachOfOurPlugins() throws IOException {
        List<String> names = pipelineJars.stream().map(p -> p.getFileName().toString()).toList();
        for (String module : List.of("pipeline-runtime", "pipeline-expression", "standard-plugins", "plugins-common",
                "ml-inference-processor", "s3-source-metadata-mode", "opensearch-sink", "s3-sink", "s3-enrich-processor",
                "data-prepper-api-standin")) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(module + "-0")), module + " missing from " + names);
        }
    }

    @Test
    void aPipelineJvmOnThePipelineClasspathRunsAFilePipeline() throws Exception {
        Path input = work.resolve("in.jsonl");
        Files.writeString(input, "{\"_id\":\"a\",\"text\":\"one\"}\n{\"_id\":\"b\",\"text\":\"two\"}\n{\"_id\":\"c\",\"text\":\"three\"}\n",
                StandardCharsets.UTF_8);
        Path output = work.resolve("out.jsonl");
        Path pipeline = work.resolve("pipelines.yaml");
        Files.writeString(pipeline, """
                file-to-stdout:
                  source:
                    file:
                      path: "%s"
                      format: json
                  processor:
                    - add_entries:
                        entries:
                          - key: stage
                            value: checked
                  sink:
                    - stdout:
                    - file:
                        path: "%s"
                """.formatted(input, output), StandardCharsets.UTF_8);

        Run run = runtime(pipeline, "--exit-when-done");

        assertEquals(0, run.exit, run.output);
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(List.of("{\"_id\":\"a\",\"text\":\"one\",\"stage\":\"checked\"}",
                "{\"_id\":\"b\",\"text\":\"two\",\"stage\":\"checked\"}",
                "{\"_id\":\"c\",\"text\":\"three\",\"stage\":\"checked\"}"), lines.stream().sorted().toList());
        for (String line : lines) {
            assertTrue(run.output.contains(line), "stdout sink did not print " + line + ":\n" + run.output);
        }
    }

    @Test
    void aPipelineJvmOnThePipelineClasspathFindsOurPlugins() throws Exception {
        // An unknown plugin name makes the runtime stop and list the plugins of that kind it found on its class path.
        String sources = available("source", """
                p:
                  source:
                    no_such_source:
                  sink:
                    - stdout:
                """);
        String processors = available("processor", """
                p:
                  source:
                    file:
                      path: "EMPTY"
                  processor:
                    - no_such_processor:
                  sink:
                    - stdout:
                """);
        String sinks = available("sink", """
                p:
                  source:
                    file:
                      path: "EMPTY"
                  sink:
                    - no_such_sink:
                """);

        assertTrue(List.of(sources.split(", ")).contains("s3"), sources);
        assertTrue(List.of(processors.split(", ")).containsAll(List.of("ml_inference", "s3_enrich", "add_entries")),
                processors);
        assertTrue(List.of(sinks.split(", ")).containsAll(List.of("opensearch", "s3", "stdout")), sinks);
    }

    /** The runtime's "(available: ...)" list for a pipeline that names an unknown plugin of this kind. */
    private String available(final String kind, final String yaml) throws Exception {
        Path empty = Files.writeString(work.resolve("empty.jsonl"), "", StandardCharsets.UTF_8);
        Path pipeline = work.resolve(kind + ".yaml");
        Files.writeString(pipeline, yaml.replace("EMPTY", empty.toString()), StandardCharsets.UTF_8);
        Run run = runtime(pipeline);
        assertEquals(2, run.exit, run.output);
        Matcher m = Pattern.compile("unknown " + kind + " plugin 'no_such_" + kind + "'[^\\n]*\\(available: ([^)]*)\\)")
                .matcher(run.output);
        assertTrue(m.find(), run.output);
        return m.group(1);
    }

    private record Run(int exit, String output) {
    }

    private Run runtime(final Path pipeline, final String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", pipelineJars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                "dev.mlbatch.runtime.Main", "run", pipeline.toString()));
        command.addAll(List.of(options));
        Path log = work.resolve("runtime.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // No stack: the runtime must not pick up the shared stack's env file.
        builder.environment().remove("MLBATCH_ENV_FILE");
        builder.environment().put("MLBATCH_HOME", work.resolve("no-stack").toString());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the runtime did not end within 120 s:\n" + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Forbidden package → the jars (file names) that hold a class in it. */
    private static Map<String, List<String>> owners(final List<Path> jars) throws IOException {
        Map<String, List<String>> owners = new TreeMap<>((a, b) ->
                Integer.compare(NOT_IN_A_PIPELINE_JVM.indexOf(a), NOT_IN_A_PIPELINE_JVM.indexOf(b)));
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (String prefix : NOT_IN_A_PIPELINE_JVM) {
                    if (file.stream().anyMatch(e -> e.getName().startsWith(prefix) && e.getName().endsWith(".class"))) {
                        owners.computeIfAbsent(prefix, k -> new ArrayList<>()).add(jar.getFileName().toString());
                    }
                }
            }
        }
        return owners;
    }

    private static List<Path> jarsIn(final Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }
}
