package dev.mlbatch.plugins.s3enrich;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mlbatch.plugins.common.s3.CompressionOption;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.event.Event;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Reads one source object with the configured codec and reduces it to a {@link SourceIndex}. Meters use upstream's
 * S3 object names ({@code s3ObjectsSucceeded}, {@code s3ObjectsFailed}, {@code s3ObjectsNotFound},
 * {@code s3ObjectReadTimeElapsed}, {@code s3ObjectSizeBytes}).
 */
final class SourceObjectLoader {
    private final S3Client s3;
    private final Function<String, Optional<String>> expectedOwner;
    private final InputCodec codec;
    private final CompressionOption compression;
    private final long sizeLimitBytes;
    private final String sourceCorrelationKey;
    private final MergedFields mergedFields;

    private final Counter objectsSucceeded;
    private final Counter objectsFailed;
    private final Counter objectsNotFound;
    private final Timer readTime;
    private final DistributionSummary objectSize;

    SourceObjectLoader(final S3Client s3, final Function<String, Optional<String>> expectedOwner, final InputCodec codec,
                       final CompressionOption compression, final long sizeLimitBytes, final String sourceCorrelationKey,
                       final MergedFields mergedFields, final PluginMetrics metrics) {
        this.s3 = s3;
        this.expectedOwner = expectedOwner;
        this.codec = codec;
        this.compression = compression;
        this.sizeLimitBytes = sizeLimitBytes;
        this.sourceCorrelationKey = sourceCorrelationKey;
        this.mergedFields = mergedFields;
        this.objectsSucceeded = metrics.counter("s3ObjectsSucceeded");
        this.objectsFailed = metrics.counter("s3ObjectsFailed");
        this.objectsNotFound = metrics.counter("s3ObjectsNotFound");
        this.readTime = metrics.timer("s3ObjectReadTimeElapsed");
        this.objectSize = metrics.summary("s3ObjectSizeBytes");
    }

    SourceIndex load(final String bucket, final String key) throws EnrichmentFailure {
        final String uri = "s3://" + bucket + "/" + key;
        final long started = System.nanoTime();
        try {
            final SourceIndex index = read(bucket, key, uri);
            objectsSucceeded.increment();
            return index;
        } catch (final EnrichmentFailure e) {
            (e.reason() == EnrichmentFailure.Reason.SOURCE_OBJECT_MISSING ? objectsNotFound : objectsFailed).increment();
            throw e;
        } finally {
            readTime.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private SourceIndex read(final String bucket, final String key, final String uri) throws EnrichmentFailure {
        final GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
        expectedOwner.apply(bucket).ifPresent(request::expectedBucketOwner);
        try (ResponseInputStream<GetObjectResponse> object = s3.getObject(request.build())) {
            final Long length = object.response().contentLength();
            if (length != null && length > sizeLimitBytes) {
                object.abort();
                throw new EnrichmentFailure(EnrichmentFailure.Reason.SOURCE_OBJECT_TOO_LARGE, uri,
                        "source object " + uri + " has " + length + " bytes, more than s3_object_size_limit ("
                                + sizeLimitBytes + " bytes)");
            }
            if (length != null) {
                objectSize.record(length);
            }
            final SourceIndex.Builder index = SourceIndex.builder(uri);
            final EndTrackingInputStream content = new EndTrackingInputStream(compression.isGzip(key) ? new GZIPInputStream(object) : object);
            try {
                codec.parse(content, record -> add(index, record.getData()));
            } catch (final IOException | RuntimeException e) {
                if (index.isEmpty() || !isMalformedContent(e, content)) {
                    throw e;
                }
                // The records read stay usable: an event whose record is among them is enriched; one whose record
                // sat on or after the malformed part fails as NO_MATCH, naming this problem.
                index.unreadablePart(e.getMessage());
            }
            return index.build();
        } catch (final NoSuchKeyException | NoSuchBucketException e) {
            throw new EnrichmentFailure(EnrichmentFailure.Reason.SOURCE_OBJECT_MISSING, uri,
                    "source object " + uri + " does not exist");
        } catch (final IOException | RuntimeException e) {
            throw new EnrichmentFailure(EnrichmentFailure.Reason.SOURCE_OBJECT_UNREADABLE, uri,
                    "source object " + uri + " could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * A codec that read the object to its end and then complained skipped malformed records (ours does); one that
     * stopped with a JSON error stopped at one (upstream's). Any other failure, such as a connection reset, is no
     * fact about the object, so nothing read before it is kept.
     */
    private static boolean isMalformedContent(final Throwable failure, final EndTrackingInputStream content) {
        if (content.reachedEnd()) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    private void add(final SourceIndex.Builder index, final Event record) {
        index.add(CorrelationValue.of(record.get(sourceCorrelationKey, Object.class)), mergedFields.of(record));
    }
}
