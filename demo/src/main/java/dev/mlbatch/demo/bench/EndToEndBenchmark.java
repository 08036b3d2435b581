package dev.mlbatch.demo.bench;

import dev.mlbatch.demo.EndToEndFlow;
import dev.mlbatch.demo.FlowSummary;
import dev.mlbatch.demo.ProjectLayout;
import dev.mlbatch.demo.Provider;
import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.bench.DirectTransformJob;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code mlbatch bench e2e [records]}: records/s from a raw file in S3 to searchable vectors in OpenSearch, through
 * the three SageMaker pipelines running together on the local stack, next to the model service's bare embedding
 * rate (one Batch Transform job over the same records, sent straight to it) in the same run. Last line:
 * {@code e2e: <ratio> of the bare embedding rate (target >= 0.85 on a freshly started stack)}.
 *
 * <p>Both measured phases follow the same warm-up: a freshly started stack runs slower until its JVMs' JIT has
 * settled (the model service's embedding loop, and OpenSearch's bulk and knn indexing, ML Commons and the gateway on
 * the flow's path), so first a {@value #WARM_UP}-record job straight to the model service and a
 * {@value #WARM_UP}-record pass of the flow are run and thrown away. The measured flow then starts from a clean
 * slate with stage JVMs of its own, as before.
 */
public final class EndToEndBenchmark {

    private static final int FILE_RECORDS = 500;
    static final int WARM_UP = 3000;

    private EndToEndBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final ProjectLayout layout = ProjectLayout.locate();
        final List<String> lines = Files.readAllLines(layout.corpus(), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).limit(records).toList();
        if (lines.size() < records) {
            throw new IllegalArgumentException("the corpus holds " + lines.size() + " records, fewer than " + records);
        }
        final LocalStack stack = LocalStack.startOrReuse();
        stack.resetModelService();
        System.out.printf(Locale.ROOT, "e2e benchmark: %d records, SageMaker pipelines on the local stack, %d cores, load average %s%n",
                records, Runtime.getRuntime().availableProcessors(), loadAverage());

        final StackHome home = StackHome.locate();
        // Each pass loads its raw object under a name of its own: job names follow from the input objects, and a
        // stack that ran these records before (ML Commons keeps its tasks) must get fresh jobs, not adopt old ones.
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final int warmUp = Math.min(records, WARM_UP);
        final long w0 = System.nanoTime();
        bareRate(stack, lines.subList(0, warmUp));
        final FlowSummary warmed = flow(stack, layout, home, "warm-up-" + run + ".jsonl", warmUp, quiet());
        System.out.printf(Locale.ROOT, "warm-up: %d records straight to the model service, then %d through the flow (%d indexed), %.1f s%n",
                warmUp, warmUp, warmed.documentsWithVector(), (System.nanoTime() - w0) / 1e9);

        final double bare = bareRate(stack, lines);
        System.out.printf(Locale.ROOT, "bare embedding (one transform job, %d files of %d): %8.1f records/s (load average %s)%n",
                (records + FILE_RECORDS - 1) / FILE_RECORDS, FILE_RECORDS, bare, loadAverage());

        final FlowSummary summary = flow(stack, layout, home, "corpus-" + run + ".jsonl", records, System.out);
        summary.print(System.out);
        if (!summary.complete()) {
            throw new IllegalStateException("not every record was indexed with its vector");
        }
        final double e2e = records / (summary.total().toMillis() / 1000.0);
        System.out.printf(Locale.ROOT, "end to end (raw file to searchable vectors): %8.1f records/s (load average %s)%n",
                e2e, loadAverage());
        System.out.printf(Locale.ROOT, "e2e: %.2f of the bare embedding rate (target >= 0.85 on a freshly started stack)%n", e2e / bare);
    }

    /** The three stages together over the first {@code records} corpus records, from a clean slate. */
    private static FlowSummary flow(final LocalStack stack, final ProjectLayout layout, final StackHome home,
                                    final String rawObject, final int records, final PrintStream out)
            throws IOException, InterruptedException {
        try (EndToEndFlow flow = new EndToEndFlow(stack, Provider.SAGEMAKER, layout.localPipelines(),
                home.root().resolve("bench-e2e"), JvmClasspath.forPipelines(), home.root(), out)) {
            final FlowSummary summary = flow.rawObjectName(rawObject).runTogether(layout.corpus(), records);
            if (!summary.complete()) {
                throw new IllegalStateException("flow over " + rawObject + ": not every record was indexed with its vector");
            }
            return summary;
        }
    }

    /** One transform job straight to the model service over the records, in files of 500 like stage 1 writes. */
    private static double bareRate(final LocalStack stack, final List<String> lines) throws Exception {
        final String run = "bench-e2e-bare-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = stack.newS3Client()) {
            for (int from = 0, file = 1; from < lines.size(); from += FILE_RECORDS, file++) {
                final String body = String.join("\n", lines.subList(from, Math.min(lines.size(), from + FILE_RECORDS))) + "\n";
                final String key = String.format(Locale.ROOT, "%s/input/part-%04d.jsonl", run, file);
                s3.putObject(r -> r.bucket(stack.bucket()).key(key), RequestBody.fromString(body, StandardCharsets.UTF_8));
            }
        }
        final long t0 = System.nanoTime();
        new DirectTransformJob(stack).run(run, "s3://" + stack.bucket() + "/" + run + "/input/",
                "s3://" + stack.bucket() + "/" + run + "/output/");
        return lines.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /** The 1, 5 and 15 minute load averages, printed next to each figure: the machine may be shared. */
    static String loadAverage() {
        try {
            final String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (final IOException | RuntimeException unavailable) {
            return "unknown";
        }
    }

    /** Where the warm-up pass's progress lines go: they are not part of the result. */
    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    }
}
