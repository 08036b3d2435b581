package dev.mlbatch.plugins.s3source;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.s3source.config.ProcessingCondition;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.configuration.PluginModel;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.plugin.PluginFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks an object's {@code processing_conditions} before it is read: for each condition whose
 * {@code applicable_prefix} covers the key, reads the sentinel {@code <directory of the object>/<object_name>} and
 * evaluates {@code when} on its content (the first event of the condition's codec, or the sentinel parsed as one
 * JSON object). The first condition that is not met is reported, with why; a sentinel that cannot be read or
 * evaluated counts as not met (the object is not read on a guess).
 */
public class ProcessingConditionEvaluator {
    /** Sentinels are small status files; a larger one is reported instead of being held in memory. */
    static final int MAX_SENTINEL_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why an object may not be read yet. */
    public static final class Unmet {
        /** The sentinel does not exist, or its content does not satisfy {@code when}. */
        public static final String NOT_MET = "not_met";
        /** The sentinel could not be read or the expression not evaluated. */
        public static final String ERROR = "error";

        private final ProcessingCondition condition;
        private final String sentinel;
        private final String kind;
        private final String reason;

        Unmet(final ProcessingCondition condition, final String sentinel, final String kind, final String reason) {
            this.condition = condition;
            this.sentinel = sentinel;
            this.kind = kind;
            this.reason = reason;
        }

        public ProcessingCondition getCondition() {
            return condition;
        }

        /** {@code s3://bucket/key} of the sentinel. */
        public String getSentinel() {
            return sentinel;
        }

        public boolean isError() {
            return ERROR.equals(kind);
        }

        public String getReason() {
            return reason;
        }
    }

    private final S3Client s3Client;
    private final ExpressionEvaluator expressionEvaluator;
    private final Map<ProcessingCondition, InputCodec> codecs = new IdentityHashMap<>();

    /** Loads one codec per condition that names one (sentinel parses are serialized per codec: codecs need not be thread-safe). */
    public ProcessingConditionEvaluator(final S3Client s3Client, final ExpressionEvaluator expressionEvaluator,
                                        final PluginFactory pluginFactory, final String pipelineName,
                                        final List<ProcessingCondition> allConditions) {
        this.s3Client = s3Client;
        this.expressionEvaluator = expressionEvaluator;
        for (final ProcessingCondition condition : allConditions) {
            final PluginModel codec = condition.getCodec();
            if (codec != null) {
                final PluginSetting setting = new PluginSetting(codec.getPluginName(),
                        codec.getPluginSettings() == null ? new HashMap<>() : codec.getPluginSettings());
                setting.setPipelineName(pipelineName);
                codecs.put(condition, pluginFactory.loadPlugin(InputCodec.class, setting));
            }
        }
    }

    /** The sentinel's key for an object: {@code object_name} in the same "directory" (up to the last '/'). */
    static String sentinelKey(final String objectKey, final String objectName) {
        final int slash = objectKey.lastIndexOf('/');
        return (slash < 0 ? "" : objectKey.substring(0, slash + 1)) + objectName;
    }

    static boolean isApplicable(final ProcessingCondition condition, final String objectKey) {
        return condition.getApplicablePrefix().isEmpty() || condition.getApplicablePrefix().stream().anyMatch(objectKey::startsWith);
    }

    /** The first applicable condition not met for the object, in configuration order; empty when it may be read. */
    public Optional<Unmet> firstUnmet(final String bucket, final String objectKey, final Optional<String> expectedBucketOwner,
                                      final List<ProcessingCondition> conditions) {
        for (final ProcessingCondition condition : conditions) {
            if (!isApplicable(condition, objectKey)) {
                continue;
            }
            final String key = sentinelKey(objectKey, condition.getObjectName());
            final String sentinel = "s3://" + bucket + "/" + key;
            final Optional<Unmet> unmet = check(condition, bucket, key, sentinel, expectedBucketOwner);
            if (unmet.isPresent()) {
                return unmet;
            }
        }
        return Optional.empty();
    }

    private Optional<Unmet> check(final ProcessingCondition condition, final String bucket, final String key, final String sentinel,
                                  final Optional<String> expectedBucketOwner) {
        final byte[] content;
        try {
            content = read(bucket, key, expectedBucketOwner);
        } catch (final S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.of(new Unmet(condition, sentinel, Unmet.NOT_MET, "sentinel " + sentinel + " does not exist yet"));
            }
            return Optional.of(new Unmet(condition, sentinel, Unmet.ERROR, "cannot read sentinel " + sentinel + ": "
                    + ScanPartitionSupplier.errorCode(e) + " (HTTP " + e.statusCode() + ")"));
        } catch (final IOException | RuntimeException e) {
            return Optional.of(new Unmet(condition, sentinel, Unmet.ERROR, "cannot read sentinel " + sentinel + ": " + describe(e)));
        }
        final Event event;
        try {
            event = toEvent(condition, content);
        } catch (final IOException | RuntimeException e) {
            return Optional.of(new Unmet(condition, sentinel, Unmet.ERROR, "cannot parse sentinel " + sentinel
                    + (condition.getCodec() == null ? " as a JSON object" : " with codec " + condition.getCodec().getPluginName())
                    + ": " + describe(e)));
        }
        if (event == null) {
            return Optional.of(new Unmet(condition, sentinel, Unmet.NOT_MET, "sentinel " + sentinel + " holds no record yet"));
        }
        final Boolean met;
        try {
            met = expressionEvaluator.evaluateConditional(condition.getWhen(), event);
        } catch (final RuntimeException e) {
            return Optional.of(new Unmet(condition, sentinel, Unmet.ERROR, "cannot evaluate when '" + condition.getWhen()
                    + "' on sentinel " + sentinel + ": " + describe(e)));
        }
        if (!Boolean.TRUE.equals(met)) {
            return Optional.of(new Unmet(condition, sentinel, Unmet.NOT_MET, "sentinel " + sentinel + " does not satisfy when '"
                    + condition.getWhen() + "' yet"));
        }
        return Optional.empty();
    }

    private byte[] read(final String bucket, final String key, final Optional<String> expectedBucketOwner) throws IOException {
        final GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
        expectedBucketOwner.ifPresent(request::expectedBucketOwner);
        try (ResponseInputStream<GetObjectResponse> response = s3Client.getObject(request.build())) {
            final byte[] bytes = response.readNBytes(MAX_SENTINEL_BYTES + 1);
            if (bytes.length > MAX_SENTINEL_BYTES) {
                throw new IOException("larger than " + MAX_SENTINEL_BYTES + " bytes; a sentinel is expected to be a small status object");
            }
            return bytes;
        }
    }

    private Event toEvent(final ProcessingCondition condition, final byte[] content) throws IOException {
        final InputCodec codec = codecs.get(condition);
        if (codec == null) {
            final Map<String, Object> data = JSON.readValue(content, new TypeReference<Map<String, Object>>() {
            });
            return JacksonEvent.builder().withEventType("event").withData(data).build();
        }
        final AtomicReference<Event> first = new AtomicReference<>();
        synchronized (codec) {
            try {
                codec.parse(new ByteArrayInputStream(content), record -> first.compareAndSet(null, record.getData()));
            } catch (final IOException | RuntimeException e) {
                // A codec that skipped a bad record later on still delivered the first one, which is all a condition reads.
                if (first.get() == null || MalformedRecordsReport.from(e).isEmpty()) {
                    throw e;
                }
            }
        }
        return first.get();
    }

    private static String describe(final Throwable e) {
        final String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
