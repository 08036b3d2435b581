package dev.mlbatch.demo;

import dev.mlbatch.stack.StackEnv;

import java.util.Locale;

/**
 * The two batch providers of the flow and where each keeps its data: the S3 prefixes the pipelines in
 * {@code pipelines/local/<name>/} read and write, the index stage 3 fills, and the env-file keys of its models.
 */
public enum Provider {
    SAGEMAKER("sagemaker", ".manifest", StackEnv.SAGEMAKER_REALTIME_MODEL_ID),
    BEDROCK("bedrock", "manifest.json.out", StackEnv.BEDROCK_REALTIME_MODEL_ID);

    private final String id;
    private final String bookkeepingSuffix;
    private final String realtimeModelKey;

    Provider(final String id, final String bookkeepingSuffix, final String realtimeModelKey) {
        this.id = id;
        this.bookkeepingSuffix = bookkeepingSuffix;
        this.realtimeModelKey = realtimeModelKey;
    }

    public static Provider parse(final String name) {
        for (final Provider p : values()) {
            if (p.id.equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown provider '" + name + "' (sagemaker or bedrock)");
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

    /** Objects among inputs or outputs that are the provider's bookkeeping (manifests), not records. */
    public boolean isBookkeeping(final String key) {
        return key.endsWith(bookkeepingSuffix);
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
     * input limit, applied to SageMaker too.
     */
    public int maxTextCharacters() {
        return 50_000;
    }

    /**
     * Fields of a record the provider's pipelines write themselves: SageMaker's joined output ({@code SageMakerOutput},
     * 3-ingest takes the vector from it), Bedrock's record id and model input and output (1-prepare, 3-ingest). A
     * record of the user's own with such a field would lose it, or send its vector to another document.
     */
    public java.util.List<String> reservedFields() {
        return this == SAGEMAKER ? java.util.List.of("SageMakerOutput") : java.util.List.of("recordId", "modelInput", "modelOutput");
    }

    public String realtimeModelKey() {
        return realtimeModelKey;
    }

    /** Bedrock runs a job only over 100 to 50,000 records; stage 1 writes files of 500. */
    public String recordCountProblem(final int records) {
        if (this == BEDROCK && records % 500 != 0 && records % 500 < 100) {
            return "Bedrock needs at least 100 records per job and stage 1 writes files of 500 records, so "
                    + records + " records would leave a last file of " + (records % 500)
                    + "; use a multiple of 500 or leave at least 100 records in the last file";
        }
        return null;
    }

    @Override
    public String toString() {
        return id;
    }
}
