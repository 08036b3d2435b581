package dev.mlbatch.demo;

import dev.mlbatch.stack.LocalStack;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Where one flow keeps its objects and its documents: the bucket whose {@code <provider>/} prefixes the stages read
 * and write ({@code MLBATCH_S3_BUCKET}), and the index stage 3 fills ({@code MLBATCH_INDEX}). The demo uses the
 * stack's bucket and {@code wordnet-<provider>}; {@code mlbatch index} gives each index a bucket of its own, so that
 * indexing a corpus never removes what the demo, or another corpus, has in flight under the same fixed prefixes.
 */
public record FlowDestination(String bucket, String index) {

    public FlowDestination {
        final String problem = indexNameProblem(index);
        if (problem != null) {
            throw new IllegalArgumentException("index name '" + index + "': " + problem);
        }
    }

    /** The demo's: the stack's bucket, {@code wordnet-<provider>}. */
    public static FlowDestination demo(final LocalStack stack, final Provider provider) {
        return new FlowDestination(stack.bucket(), provider.index());
    }

    /**
     * A bucket of the index's own: {@code mlbatch-idx-<index, letters and digits>-<8 hex of its hash>} (the hash keeps
     * {@code a_b} and {@code a-b} apart; S3 names allow 3 to 63 lowercase letters, digits and hyphens).
     */
    public static FlowDestination ownBucket(final String index) {
        final String problem = indexNameProblem(index);
        if (problem != null) {
            throw new IllegalArgumentException("index name '" + index + "': " + problem);
        }
        String readable = index.replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (readable.length() > 42) {
            readable = readable.substring(0, 42).replaceAll("-+$", "");
        }
        return new FlowDestination("mlbatch-idx-" + (readable.isEmpty() ? "" : readable + "-") + hash(index), index);
    }

    /**
     * Why {@code name} cannot be an index this project creates, or {@code null}: lowercase letters, digits, {@code -},
     * {@code _} and {@code .}, starting with a letter or a digit (a subset of what OpenSearch accepts, without its
     * hidden {@code .names} and the characters that need escaping in a URL), at most 255 bytes.
     */
    public static String indexNameProblem(final String name) {
        if (name == null || name.isEmpty()) {
            return "empty";
        }
        if (name.length() > 255) {
            return "longer than 255 characters";
        }
        if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
            return "use lowercase letters, digits, '-', '_' and '.', starting with a letter or a digit";
        }
        return null;
    }

    /**
     * The index name a file gives by default: its name without the extension, lowercased, every run of other
     * characters than letters, digits, {@code -}, {@code _} and {@code .} made one {@code -}, starting and ending
     * with a letter or a digit; {@code null} when nothing usable is left.
     */
    public static String indexNameFor(final String fileName) {
        String base = fileName;
        final int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        String name = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
                .replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        if (name.length() > 255) {
            name = name.substring(0, 255);
        }
        return name.isEmpty() ? null : name;
    }

    private static String hash(final String text) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
