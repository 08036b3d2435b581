package dev.mlbatch.plugins.mlinference.dlq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Writes dead letters to S3 as upstream's S3 DLQ does: one JSON array of DLQ objects per write, each
 * {@code {pluginId, pluginName, pipelineName, failedData, timestamp}}, under
 * {@code <key_path_prefix>dlq-v2-<pipeline>-ml_inference-<timestamp>-<uuid>}.
 */
public class DeadLetterWriter implements DeadLetterStore {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);
    private static final String PLUGIN_NAME = "ml_inference";
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC);

    private static final int WRITE_ROUNDS = 3;
    private static final java.time.Duration ROUND_PAUSE = java.time.Duration.ofMillis(300);

    private final S3Client s3;
    private final S3DlqOptions options;
    private final String pipelineName;
    private final ObjectMapper mapper;
    private final Clock clock;

    public DeadLetterWriter(final S3Client s3, final S3DlqOptions options, final String pipelineName,
                            final ObjectMapper mapper, final Clock clock) {
        this.s3 = s3;
        this.options = options;
        this.pipelineName = pipelineName;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** @return true when the dead letters are stored in S3 */
    @Override
    public boolean write(final List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return true;
        }
        final ArrayNode objects = mapper.createArrayNode();
        final String timestamp = clock.instant().toString();
        for (final DeadLetter letter : letters) {
            final ObjectNode object = objects.addObject();
            object.put("pluginId", PLUGIN_NAME);
            object.put("pluginName", PLUGIN_NAME);
            object.put("pipelineName", pipelineName);
            object.set("failedData", mapper.valueToTree(letter));
            object.put("timestamp", timestamp);
        }
        final String key = options.getKeyPathPrefix() + "dlq-v2-" + pipelineName + "-" + PLUGIN_NAME + "-"
                + KEY_TIME.format(clock.instant()) + "-" + UUID.randomUUID();
        SdkException last = null;
        // The SDK retries quickly on its own; a few slower rounds on top ride out a connection-level hiccup of S3.
        for (int round = 0; round < WRITE_ROUNDS; round++) {
            try {
                s3.putObject(r -> {
                    r.bucket(options.getBucket()).key(key).contentType("application/json");
                    if (options.getBucketOwner() != null) {
                        r.expectedBucketOwner(options.getBucketOwner());
                    }
                }, RequestBody.fromString(objects.toString()));
                LOG.info("Dead-lettered {} item(s) to s3://{}/{}", letters.size(), options.getBucket(), key);
                return true;
            } catch (final S3Exception e) {
                last = e;
                break; // S3 answered (no such bucket, access denied): another round will not change that
            } catch (final SdkException e) {
                last = e;
                pause(ROUND_PAUSE.multipliedBy(round + 1L));
            }
        }
        LOG.error("Could not write {} dead letter(s) to s3://{}/{}: {}", letters.size(), options.getBucket(), key, last.getMessage());
        return false;
    }

    private static void pause(final java.time.Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String describe() {
        return "s3://" + options.getBucket() + "/" + options.getKeyPathPrefix();
    }

    @Override
    public void close() {
        s3.close();
    }
}
