package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.List;

/**
 * Writes the SageMaker manifest for a group of input objects into their bucket, at
 * {@code <common prefix><name>/<name>.manifest} as upstream does. Writing it again for another attempt
 * overwrites it with the same content.
 */
public class ManifestWriter {
    private final S3Client s3;
    private final ObjectMapper mapper;

    public ManifestWriter(final S3Client s3, final ObjectMapper mapper) {
        this.s3 = s3;
        this.mapper = mapper;
    }

    public static String manifestKey(final List<InputObject> inputs, final String manifestName) {
        return commonPrefix(inputs) + manifestName + "/" + manifestName + ".manifest";
    }

    public String write(final List<InputObject> inputs, final String manifestName) {
        final String bucket = inputs.get(0).bucket();
        final String key = manifestKey(inputs, manifestName);
        final ArrayNode manifest = mapper.createArrayNode();
        manifest.addObject().put("prefix", "s3://" + bucket + "/");
        inputs.forEach(input -> manifest.add(input.key()));
        s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"),
                RequestBody.fromString(manifest.toPrettyString()));
        return "s3://" + bucket + "/" + key;
    }

    /** Longest common prefix of the keys, cut back to the last '/', as upstream computes it. */
    static String commonPrefix(final List<InputObject> inputs) {
        String prefix = inputs.get(0).key();
        for (final InputObject input : inputs) {
            int i = 0;
            while (i < prefix.length() && i < input.key().length() && prefix.charAt(i) == input.key().charAt(i)) {
                i++;
            }
            prefix = prefix.substring(0, i);
        }
        final int slash = prefix.lastIndexOf('/');
        return slash < 0 ? "" : prefix.substring(0, slash + 1);
    }
}
