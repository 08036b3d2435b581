package dev.mlbatch.stack.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.model.MiniLmModel;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code mlbatch bench model}: the model service's batch throughput (a SageMaker transform job over
 * N short queries, from CreateTransformJob to Completed, on the running local stack) next to calling
 * all-MiniLM-L6-v2 directly in one loop in this JVM. Last line: {@code model: <ratio> of direct (target >= 0.9)}.
 *
 * <p>Usage: {@code ModelBenchmark [records]} (default 10000). Starts the local stack if it is not up.
 */
public final class ModelBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Records embedded by each side before measuring: the services JVM is fresh, and its tokenizer and
     * JSON paths need a few thousand records of JIT warm-up before they run at steady state.
     */
    private static final int WARM_UP = 3000;
    /**
     * Records per round of the interleaved measurement: few enough rounds that a job's fixed cost (create, dispatch,
     * the last poll) stays around 1% of its run, enough that both sides still see the same background load.
     */
    private static final int ROUND_SIZE = 2500;

    private ModelBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        List<String> queries = queries(records);
        LocalStack stack = LocalStack.startOrReuse();
        DirectTransformJob transform = new DirectTransformJob(stack);
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);

        System.out.printf("model benchmark: %d short queries, all-MiniLM-L6-v2, %d cores%n", records,
                Runtime.getRuntime().availableProcessors());
        MiniLmModel direct = new MiniLmModel();
        for (int i = 0; i < WARM_UP; i++) {
            direct.embed(queries.get(i % queries.size()));
        }
        try (S3Client s3 = stack.newS3Client()) {
            upload(s3, stack.bucket(), run + "/warmup/part-0001.jsonl", queries.subList(0, Math.min(WARM_UP, records)));
            transform.run(run + "-warmup", "s3://" + stack.bucket() + "/" + run + "/warmup/",
                    "s3://" + stack.bucket() + "/" + run + "/warmup-out/");
            // Interleaved rounds, so that both sides see the same background load on a shared machine.
            long directNanos = 0;
            long serviceNanos = 0;
            long lines = 0;
            int rounds = Math.max(1, (records + ROUND_SIZE - 1) / ROUND_SIZE);
            int chunk = (records + rounds - 1) / rounds;
            for (int round = 0; round < rounds && round * chunk < records; round++) {
                List<String> part = queries.subList(round * chunk, Math.min(records, (round + 1) * chunk));
                long t0 = System.nanoTime();
                for (String q : part) {
                    direct.embed(q);
                }
                directNanos += System.nanoTime() - t0;
                String in = run + "/input-" + round + "/";
                upload(s3, stack.bucket(), in + "part-0001.jsonl", part);
                long t1 = System.nanoTime();
                transform.run(run + "-job-" + round, "s3://" + stack.bucket() + "/" + in,
                        "s3://" + stack.bucket() + "/" + run + "/output-" + round + "/");
                serviceNanos += System.nanoTime() - t1;
                String key = run + "/output-" + round + "/part-0001.jsonl.out";
                lines += s3.getObjectAsBytes(r -> r.bucket(stack.bucket()).key(key)).asUtf8String()
                        .chars().filter(c -> c == '\n').count();
            }
            if (lines != records) {
                throw new IllegalStateException("the transform jobs wrote " + lines + " lines, expected " + records);
            }
            double directRate = records / (directNanos / 1e9);
            double serviceRate = records / (serviceNanos / 1e9);
            System.out.printf(Locale.ROOT, "direct (one loop, in process):   %8.1f records/s%n", directRate);
            System.out.printf(Locale.ROOT, "model service (SageMaker batch): %8.1f records/s (CreateTransformJob to Completed, "
                    + "%d rounds, %d lines written)%n", serviceRate, rounds, lines);
            System.out.printf(Locale.ROOT, "model: %.2f of direct (target >= 0.9)%n", serviceRate / directRate);
        }
    }

    private static void upload(S3Client s3, String bucket, String key, List<String> queries) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < queries.size(); i++) {
            sb.append(JSON.writeValueAsString(Map.of("_id", Integer.toString(i), "text", queries.get(i)))).append('\n');
        }
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(sb.toString()));
    }

    /** Short search-style queries, all different. */
    static List<String> queries(int n) {
        String[] subjects = {"amber urine", "manhattan project", "solar panels", "sourdough bread", "tax deadline",
                "knee pain", "electric cars", "python lists", "rainforest animals", "coffee caffeine"};
        String[] forms = {"what is %s", "%s meaning", "how does %s work", "best %s tips", "%s near me",
                "is %s safe", "history of %s", "%s cost %d", "why %s matters", "%s explained for beginners"};
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String form = forms[(i / subjects.length) % forms.length];
            String subject = subjects[i % subjects.length];
            out.add(String.format(Locale.ROOT, form, subject, i) + (form.contains("%d") ? "" : " " + i));
        }
        return out;
    }
}
