package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.config.ServiceName;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Deterministic job names. The work key is a SHA-256 over service, model, output path and the sorted
 * identities of the input objects; the job name is {@code mlb-<first 32 hex of the work key>-a<attempt>}:
 * lower case letters, digits and hyphens, at most 41 characters, so it satisfies SageMaker's
 * {@code ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}} and Bedrock's job-name rule. A replayed event therefore
 * yields the same name, and the provider refuses a second job with it.
 */
public final class JobNamer {
    public static final String PREFIX = "mlb-";
    static final Pattern SAGEMAKER_RULE = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");
    static final Pattern BEDROCK_RULE = Pattern.compile("^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\\-.]){0,63}$");
    private static final int HASH_CHARS = 32;

    private final ServiceName service;
    private final String modelId;
    private final String outputPath;

    public JobNamer(final ServiceName service, final String modelId, final String outputPath) {
        this.service = service;
        this.modelId = modelId;
        this.outputPath = outputPath == null ? "" : outputPath;
    }

    public String workKey(final List<InputObject> inputs) {
        final StringBuilder material = new StringBuilder()
                .append(service.optionValue()).append('\n')
                .append(modelId).append('\n')
                .append(outputPath).append('\n');
        inputs.stream().map(InputObject::identity).sorted().distinct().forEach(id -> material.append(id).append('\n'));
        return sha256(material.toString());
    }

    public String jobName(final String workKey, final int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1, got " + attempt);
        }
        final String name = PREFIX + workKey.substring(0, HASH_CHARS) + "-a" + attempt;
        if (name.length() > 63 || !SAGEMAKER_RULE.matcher(name).matches() || !BEDROCK_RULE.matcher(name).matches()) {
            throw new IllegalStateException("job name '" + name + "' breaks the provider naming rules");
        }
        return name;
    }

    private static final Pattern OWN_MANIFEST = Pattern.compile("(^|.*/)(mlb-[0-9a-f]{32})/\\2\\.manifest$");

    /** True for the key of a SageMaker manifest this processor wrote (it lies among the input objects it was made for). */
    public static boolean isOwnManifest(final String key) {
        return OWN_MANIFEST.matcher(key).matches();
    }

    /** Name of the SageMaker manifest (folder and file); shared by every attempt of the same work. */
    public String manifestName(final String workKey) {
        return PREFIX + workKey.substring(0, HASH_CHARS);
    }

    /** A short, stable tag for names derived from {@code text} (16 hex of its SHA-256). */
    public static String shortHash(final String text) {
        return sha256(text).substring(0, 16);
    }

    private static String sha256(final String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
