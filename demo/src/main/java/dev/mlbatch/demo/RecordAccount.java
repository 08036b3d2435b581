package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where every record of a run went, from what the flow left behind: records in (the raw lines), indexed (documents
 * with their vector), rejected before any job (lines under {@code <provider>/rejected/}, each with its
 * {@code rejection_reason}), dead-lettered (the records the DLQ objects under {@code <provider>/failed-jobs/} stand
 * for), kept by stage 3 (output lines it routed to {@code <provider>/failed/} instead of the index: no vector, or
 * not joined to their raw document), and records in that no stage can keep apart from another: lines that are not
 * JSON (stage 1's codec skips and logs them) and extra records under an {@code _id} already seen (the index keeps
 * the last), and documents stage 3 could not index, each logged with its reason ({@link IndexingFailures}). Nothing
 * is lost when the sum of the others equals records in.
 */
public record RecordAccount(long recordsIn, long indexed, long rejected, long deadLettered, long keptByStage3, long notJson,
                            long duplicateIds, long rejectedWithoutReason, long notIndexed) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The raw lines of a run, read once: how many, how many are not JSON objects, how many repeat an _id. */
    public record RawInput(long records, long notJson, long duplicateIds) {
        public static RawInput of(final List<String> lines) {
            long records = 0;
            long notJson = 0;
            long duplicates = 0;
            final Set<String> ids = new HashSet<>();
            for (final String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                records++;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (final IOException e) {
                    node = null;
                }
                if (node == null || !node.isObject()) {
                    notJson++;
                } else if (node.path("_id").isValueNode() && !node.path("_id").isNull() && !ids.add(node.path("_id").asText())) {
                    duplicates++;
                }
            }
            return new RawInput(records, notJson, duplicates);
        }
    }

    public static RecordAccount of(final RawInput raw, final long indexed, final long notIndexed, final S3Client s3,
                                   final String bucket, final Provider provider) {
        long rejected = 0;
        long withoutReason = 0;
        for (final String line : lines(s3, bucket, provider.prefix() + "rejected/")) {
            rejected++;
            if (!parse(line).hasNonNull("rejection_reason")) {
                withoutReason++;
            }
        }
        long deadLettered = 0;
        for (final S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(provider.prefix() + "failed-jobs/dlq-v2-")).contents()) {
            final JsonNode letters = parse(read(s3, bucket, o.key()));
            for (final JsonNode letter : letters) {
                deadLettered += letter.path("failedData").path("records").asLong(0);
            }
        }
        final long keptByStage3 = lines(s3, bucket, provider.prefix() + "failed/").size();
        return new RecordAccount(raw.records(), indexed, rejected, deadLettered, keptByStage3, raw.notJson(), raw.duplicateIds(),
                withoutReason, notIndexed);
    }

    /**
     * Every record in is indexed, rejected with a reason, dead-lettered, kept by stage 3, not indexed with a reason,
     * or one of the input's own non-records.
     */
    public boolean balanced() {
        return unaccounted() == 0 && rejectedWithoutReason == 0;
    }

    public long unaccounted() {
        return recordsIn - indexed - rejected - deadLettered - keptByStage3 - notJson - duplicateIds - notIndexed;
    }

    public void print(final PrintStream out) {
        out.printf(Locale.ROOT, "  records in          %d = indexed %d + rejected %d + dead-lettered %d%s + not JSON %d + repeated _id %d%s%s%n",
                recordsIn, indexed, rejected, deadLettered, keptByStage3 == 0 ? "" : " + kept in failed/ " + keptByStage3,
                notJson, duplicateIds,
                notIndexed == 0 ? "" : " + not indexed " + notIndexed,
                balanced() ? "" : "   <-- " + unaccounted() + " unaccounted"
                        + (rejectedWithoutReason > 0 ? ", " + rejectedWithoutReason + " rejected without a reason" : ""));
    }

    private static List<String> lines(final S3Client s3, final String bucket, final String prefix) {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .filter(o -> !o.key().endsWith("/"))
                .flatMap(o -> read(s3, bucket, o.key()).lines())
                .filter(line -> !line.isBlank())
                .toList();
    }

    private static String read(final S3Client s3, final String bucket, final String key) {
        return s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toBytes()).asString(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(final String text) {
        try {
            return JSON.readTree(text);
        } catch (final IOException e) {
            return JSON.createObjectNode();
        }
    }
}
