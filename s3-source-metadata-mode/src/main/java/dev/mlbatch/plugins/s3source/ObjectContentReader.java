package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.common.s3.CompressionOption;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.event.Event;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Streams one object version through decompression and the codec, handing each record's event to a consumer.
 * Nothing is held beyond the codec's own read-ahead, so memory does not depend on the object's size.
 */
public class ObjectContentReader {
    private static final int STREAM_BUFFER_BYTES = 64 * 1024;

    private final S3Client s3Client;
    private final CompressionOption compression;
    private final long rangeBytes;

    public ObjectContentReader(final S3Client s3Client, final CompressionOption compression, final long rangeBytes) {
        this.s3Client = s3Client;
        this.compression = compression;
        this.rangeBytes = rangeBytes;
    }

    /**
     * Reads the object; returns the number of bytes fetched from S3.
     *
     * @throws S3ReadException when the bytes could not be fetched (retryable)
     * @throws software.amazon.awssdk.services.s3.model.S3Exception when S3 refused a request (404, 412, 403, ...)
     * @throws IOException when the content is not what the compression or codec expects
     */
    public long read(final S3ObjectReference object, final Optional<String> expectedBucketOwner, final InputCodec codec,
                     final Consumer<Event> eventConsumer) throws IOException {
        if (object.getSize() == 0) {
            return 0;
        }
        if (codec == null) {
            throw new IOException("no codec is configured, and " + object.describe() + " needs one to be read");
        }
        final RangedObjectInputStream objectStream = new RangedObjectInputStream(s3Client, object, expectedBucketOwner, rangeBytes);
        try (InputStream content = decompressed(object, new BufferedInputStream(objectStream, STREAM_BUFFER_BYTES))) {
            codec.parse(content, record -> eventConsumer.accept(record.getData()));
        } finally {
            objectStream.close();
        }
        return objectStream.getPosition();
    }

    private InputStream decompressed(final S3ObjectReference object, final InputStream raw) throws IOException {
        return compression.isGzip(object.getKey()) ? new GZIPInputStream(raw, STREAM_BUFFER_BYTES) : raw;
    }
}
