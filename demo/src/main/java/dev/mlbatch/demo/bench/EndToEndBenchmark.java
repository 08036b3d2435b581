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
 * {@code e2e: <ratio> of the bare embedding rate (target >= 0.6)}.
 */
public final class EndToEndBenchmark {

    private static final int FILE_RECORDS = 500;
    private static final int WARM_UP = 3000;

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
        System.out.printf(Locale.ROOT, "e2e benchmark: %d records, SageMaker pipelines on the local stack, %d cores%n",
                records, Runtime.getRuntime().availableProcessors());

        // A fresh services JVM embeds slower until the JIT has seen a few thousand records.
        bareRate(stack, lines.subList(0, Math.min(lines.size(), WARM_UP)));
        final double bare = bareRate(stack, lines);
        System.out.printf(Locale.ROOT, "bare embedding (one transform job, %d files of %d): %8.1f records/s%n",
                (records + FILE_RECORDS - 1) / FILE_RECORDS, FILE_RECORDS, bare);

        final StackHome home = StackHome.locate();
        final FlowSummary summary;
        try (EndToEndFlow flow = new EndToEndFlow(stack, Provider.SAGEMAKER, layout.localPipelines(),
                home.root().resolve("bench-e2e"), JvmClasspath.forPipelines(), home.root(), System.out)) {
            summary = flow.runTogether(layout.corpus(), records);
        }
        summary.print(System.out);
        if (!summary.complete()) {
            throw new IllegalStateException("not every record was indexed with its vector");
        }
        final double e2e = records / (summary.total().toMillis() / 1000.0);
        System.out.printf(Locale.ROOT, "end to end (raw file to searchable vectors): %8.1f records/s%n", e2e);
        System.out.printf(Locale.ROOT, "e2e: %.2f of the bare embedding rate (target >= 0.6)%n", e2e / bare);
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
}
