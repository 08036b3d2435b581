package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads input objects record by record and writes the objects the processor derives from them: input files of
 * derived work under {@code staging_path}, and the records it rejects (with their reasons) under
 * {@code rejected_path}. Every derived key follows from what it is derived from, so doing the same work twice
 * (after a crash) overwrites instead of adding.
 */
public class InputFiles {
    private final S3Client s3;
    private final ObjectMapper mapper;
    private final S3Location staging;
    private final S3Location rejected;

    /** Bucket and key prefix of an {@code s3://} location. */
    public record S3Location(String bucket, String prefix) {
        public static S3Location parse(final String uri) {
            final String rest = uri.substring("s3://".length());
            final int slash = rest.indexOf('/');
            if (slash < 0) {
                return new S3Location(rest, "");
            }
            final String prefix = rest.substring(slash + 1);
            return new S3Location(rest.substring(0, slash), prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/");
        }

        public String uri(final String key) {
            return "s3://" + bucket + "/" + key;
        }
    }

    /** The content of one input object at the version read. */
    public record Content(InputObject object, List<InputRecord> records) {
    }

    /** A record that will not go into any job, and why. */
    public record Rejection(InputObject from, InputRecord record, String reason) {
    }

    public InputFiles(final S3Client s3, final ObjectMapper mapper, final S3Location staging, final S3Location rejected) {
        this.s3 = s3;
        this.mapper = mapper;
        this.staging = staging;
        this.rejected = rejected;
    }

    /** @return the object's records, and the object pinned to the ETag read; empty if it does not exist */
    public Optional<Content> read(final InputObject input) {
        final ResponseBytes<GetObjectResponse> bytes = get(input.bucket(), input.key()).orElse(null);
        if (bytes == null) {
            return Optional.empty();
        }
        final String etag = bytes.response().eTag();
        final InputObject pinned = etag == null ? input : new InputObject(input.bucket(), input.key(), "etag:" + etag.replace("\"", ""));
        return Optional.of(new Content(pinned, records(bytes.asByteArray())));
    }

    /** Splits into records: non-blank lines, each decoded strictly so that bytes that are not UTF-8 are noticed. */
    static List<InputRecord> records(final byte[] body) {
        final List<InputRecord> records = new ArrayList<>();
        final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        int line = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                line++;
                int end = i;
                if (end > start && body[end - 1] == '\r') {
                    end--;
                }
                String text;
                boolean valid = true;
                try {
                    text = strict.decode(ByteBuffer.wrap(body, start, end - start)).toString();
                } catch (final CharacterCodingException e) {
                    text = new String(body, start, end - start, StandardCharsets.UTF_8);
                    valid = false;
                }
                if (!text.isBlank()) {
                    records.add(new InputRecord(records.size() + 1, line, text, valid));
                }
                start = i + 1;
            }
        }
        return records;
    }

    /**
     * Writes the records as the input file of derived work: {@code <staging_path><tag>/<file name of the original>}
     * (the name keeps its extension, which Bedrock checks).
     */
    public InputObject writeStaged(final InputObject original, final String tag, final List<InputRecord> records) {
        final String key = staging.prefix() + tag + "/" + fileName(original.key());
        final StringBuilder body = new StringBuilder();
        records.forEach(record -> body.append(record.text()).append('\n'));
        final PutObjectResponse response = s3.putObject(r -> r.bucket(staging.bucket()).key(key).contentType("application/x-ndjson"),
                RequestBody.fromString(body.toString(), StandardCharsets.UTF_8));
        final String etag = response.eTag() == null ? "" : response.eTag().replace("\"", "");
        return new InputObject(staging.bucket(), key, etag.isEmpty() ? "" : "etag:" + etag);
    }

    /**
     * Writes rejected records as JSON lines, each the record itself (or its raw text under {@code raw} when it is
     * not a JSON object) plus {@code rejection_reason}, {@code rejected_by}, {@code source} and {@code line}.
     * @return the object's URI
     */
    public String writeRejected(final String tag, final List<Rejection> rejections) {
        final String key = rejected.prefix() + "ml_inference-" + tag + ".ndjson";
        final StringBuilder body = new StringBuilder();
        for (final Rejection rejection : rejections) {
            ObjectNode line;
            try {
                final var node = mapper.readTree(rejection.record().text());
                line = node != null && node.isObject() ? (ObjectNode) node : null;
            } catch (final java.io.IOException notJson) {
                line = null;
            }
            if (line == null) {
                line = mapper.createObjectNode().put("raw", rejection.record().text());
            }
            line.put("rejection_reason", rejection.reason());
            line.put("rejected_by", "ml_inference");
            line.put("source", rejection.from().s3Uri());
            line.put("line", rejection.record().line());
            body.append(line).append('\n');
        }
        s3.putObject(r -> r.bucket(rejected.bucket()).key(key).contentType("application/x-ndjson"),
                RequestBody.fromString(body.toString(), StandardCharsets.UTF_8));
        return rejected.uri(key);
    }

    /** Reads a provider output object's lines; empty if it does not exist. */
    public Optional<List<String>> readLines(final String bucket, final String key) {
        return get(bucket, key).map(bytes -> records(bytes.asByteArray()).stream().map(InputRecord::text).toList());
    }

    /** True when anything lies under the location's prefix. */
    public boolean hasObjects(final S3Location location) {
        return s3.listObjectsV2(r -> r.bucket(location.bucket()).prefix(location.prefix()).maxKeys(1)).keyCount() > 0;
    }

    /** The object, or empty if it (or its bucket) does not exist; other S3 errors are thrown. */
    /** False only when S3 says the bucket does not exist (any other answer, e.g. 403, is not evidence of that). */
    public boolean bucketExists(final String bucket) {
        try {
            s3.headBucket(r -> r.bucket(bucket));
            return true;
        } catch (final S3Exception e) {
            return e.statusCode() != 404;
        }
    }

    private Optional<ResponseBytes<GetObjectResponse>> get(final String bucket, final String key) {
        try {
            return Optional.of(s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toBytes()));
        } catch (final NoSuchKeyException e) {
            return Optional.empty();
        } catch (final S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static String fileName(final String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
