package dev.mlbatch.demo;

import dev.mlbatch.runtime.RuntimeProcess;
import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Running the stages again on the same inputs pays for nothing: after a complete run, stage 1 is run again on the same
 * raw object (it rewrites the same input files with the same bytes), then stage 2 and stage 3 again. The input files,
 * the provider's jobs and the index must be what they were.
 */
class RerunIT {
    private static final int RECORDS = 1000;

    private static LocalStack stack;
    private static ProjectLayout layout;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.startOrReuse();
        stack.resetModelService();
        layout = ProjectLayout.locate();
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aSecondRunOfEveryStageCreatesNoProviderJob(final Provider provider) throws Exception {
        SelectedProviders.assumeSelected(provider);
        final PrintStream out = System.out;
        final Path work = StackHome.locate().root().resolve("rerun-test").resolve(provider.id());
        try (EndToEndFlow flow = new EndToEndFlow(stack, provider, layout.localPipelines(), work, JvmClasspath.current(),
                StackHome.locate().root(), out);
             S3Client s3 = stack.newS3Client()) {
            final FlowSummary first = flow.run(layout.corpus(), RECORDS);
            first.print(out);
            assertTrue(first.complete());
            final Map<String, String> inputs = etags(s3, provider);
            final int jobs = first.jobs().count();

            out.println("=== " + provider + ": every stage again on the same raw object");
            // As a user runs stage 1 again (`./mlbatch run 1-prepare.yaml`, in-memory coordination): its one scan
            // forgets what it read and reads the raw object again.
            Files.delete(work.resolve(EndToEndFlow.PREPARE + "-coordination.jsonl"));
            flow.prepare();
            assertEquals(inputs, etags(s3, provider), "stage 1 rewrote the same files with the same bytes, added none");
            try (RuntimeProcess trigger = flow.start(EndToEndFlow.TRIGGER)) {
                // Every rewritten input file is listed again (its LastModified changed) and must join its finished job.
                flow.awaitUntil(trigger, "every input file joined its earlier job",
                        () -> count(trigger, "already went through job") >= inputs.size(), Duration.ofMinutes(3));
                flow.stop(trigger);
            }
            try (RuntimeProcess ingest = flow.start(EndToEndFlow.INGEST)) {
                flow.awaitIndexed(ingest, Duration.ofMinutes(5));
                flow.stop(ingest);
            }
            final FlowSummary second = flow.summary();
            second.print(out);
            assertEquals(jobs, second.jobs().count(), "no new provider job: " + second.jobs().describe());
            assertEquals(RECORDS, second.documentsWithVector());
            assertEquals(RECORDS, second.documents(), "no duplicate document");
        }
    }

    /** The input files stage 1 wrote, with their ETags (SageMaker manifests of stage 2 left out). */
    private static Map<String, String> etags(final S3Client s3, final Provider provider) {
        final Map<String, String> etags = new TreeMap<>();
        for (final S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(stack.bucket()).prefix(provider.inputPrefix())).contents()) {
            if (!provider.isBookkeeping(o.key())) {
                etags.put(o.key(), o.eTag());
            }
        }
        return etags;
    }

    private static long count(final RuntimeProcess stage, final String text) {
        try {
            return stage.output().lines().filter(line -> line.contains(text)).count();
        } catch (final IOException e) {
            return 0;
        }
    }
}
