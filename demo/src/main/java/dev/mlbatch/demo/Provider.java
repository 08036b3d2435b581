package dev.mlbatch.demo;

import dev.mlbatch.stack.StackEnv;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The batch providers of the flow and where each keeps its data: the S3 prefixes the pipelines in
 * {@code pipelines/local/<name>/} read and write, the index stage 3 fills, and the env-file keys of its models.
 */
public enum Provider {
    SAGEMAKER("sagemaker", List.of(".manifest"), StackEnv.SAGEMAKER_REALTIME_MODEL_ID, List.of("SageMakerOutput"), 1),
    BEDROCK("bedrock", List.of("manifest.json.out"), StackEnv.BEDROCK_REALTIME_MODEL_ID,
            List.of("recordId", "modelInput", "modelOutput"), 100),
    /** Bedrock with a built-in model: ml_inference creates the jobs at Bedrock itself, no ML Commons model. */
    BEDROCK_BUILTIN("bedrock-builtin", List.of("manifest.json.out"), StackEnv.BEDROCK_REALTIME_MODEL_ID,
            List.of("recordId", "modelInput", "modelOutput"), 100),
    /**
     * The local stack has no real-time OpenAI or Cohere model; every local model answers with all-MiniLM-L6-v2, so
     * the SageMaker real-time model embeds the questions into the same space as these providers' batch vectors.
     */
    OPENAI("openai", List.of("errors.jsonl"), StackEnv.SAGEMAKER_REALTIME_MODEL_ID,
            List.of("custom_id", "method", "url", "body", "response", "error"), 1),
    COHERE("cohere", List.of(), StackEnv.SAGEMAKER_REALTIME_MODEL_ID, List.of("id", "embeddings"), 1);

    /** Stage 1 writes input files of this many records (pipelines/local/<provider>/1-prepare.yaml). */
    private static final int RECORDS_PER_INPUT_FILE = 500;

    private final String id;
    private final List<String> bookkeepingSuffixes;
    private final String realtimeModelKey;
    private final List<String> reservedFields;
    private final int minimumRecordsPerJob;

    Provider(final String id, final List<String> bookkeepingSuffixes, final String realtimeModelKey,
             final List<String> reservedFields, final int minimumRecordsPerJob) {
        this.id = id;
        this.bookkeepingSuffixes = bookkeepingSuffixes;
        this.realtimeModelKey = realtimeModelKey;
        this.reservedFields = reservedFields;
        this.minimumRecordsPerJob = minimumRecordsPerJob;
    }

    public static Provider parse(final String name) {
        for (final Provider p : values()) {
            if (p.id.equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown provider '" + name + "' (" + choices(", ") + ")");
    }

    /** {@code sagemaker|bedrock|bedrock-builtin|openai|cohere}, for usage lines. */
    public static String choices(final String separator) {
        return Arrays.stream(values()).map(Provider::id).collect(Collectors.joining(separator));
    }

    public String id() {
        return id;
    }

    /** Everything of this provider's flow in the bucket lives under this prefix. */
    public String prefix() {
        return id + "/";
    }

    public String rawPrefix() {
        return id + "/raw/";
    }

    public String inputPrefix() {
        return id + "/input/";
    }

    public String outputPrefix() {
        return id + "/output/";
    }

    /**
     * Objects among inputs or outputs that are bookkeeping, not records to index: SageMaker manifests, Bedrock's
     * record counts, the copy of an OpenAI batch's error file (ml_inference dead-letters or resubmits those records).
     */
    public boolean isBookkeeping(final String key) {
        return bookkeepingSuffixes.stream().anyMatch(key::endsWith);
    }

    /** SageMaker runs one job per group of input files, the others one per file. */
    public String jobUnit() {
        return this == SAGEMAKER ? "group of input files" : "input file";
    }

    /**
     * The index the demo fills ({@code wordnet-<provider>}); the flow's default when it is given none
     * ({@link FlowDestination}). The local pipelines read the index from {@code MLBATCH_INDEX}.
     */
    public String index() {
        return "wordnet-" + id;
    }

    /**
     * The longest text stage 1 lets into a job ({@code pipelines/local/<provider>/1-prepare.yaml}): Bedrock Titan's
     * input limit, applied to every provider.
     */
    public int maxTextCharacters() {
        return 50_000;
    }

    /**
     * Fields of a record the provider's pipelines write themselves: SageMaker's joined output ({@code SageMakerOutput},
     * 3-ingest takes the vector from it), Bedrock's record id and model input and output, OpenAI's request and answer
     * lines, Cohere's kept id and embeddings (1-prepare, 3-ingest). A record of the user's own with such a field
     * would lose it, or send its vector to another document.
     */
    public List<String> reservedFields() {
        return reservedFields;
    }

    public String realtimeModelKey() {
        return realtimeModelKey;
    }

    /** Bedrock runs a job only over 100 to 50,000 records; stage 1 writes files of 500. */
    public String recordCountProblem(final int records) {
        final int last = records % RECORDS_PER_INPUT_FILE;
        if (last != 0 && last < minimumRecordsPerJob) {
            return "Bedrock needs at least " + minimumRecordsPerJob + " records per job and stage 1 writes files of "
                    + RECORDS_PER_INPUT_FILE + " records, so " + records + " records would leave a last file of " + last
                    + "; use a multiple of " + RECORDS_PER_INPUT_FILE + " or leave at least " + minimumRecordsPerJob
                    + " records in the last file";
        }
        return null;
    }

    @Override
    public String toString() {
        return id;
    }
}
