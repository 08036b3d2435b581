package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One version of one S3 input object. {@code version} pins the content: {@code etag:<etag>} when the
 * event carries an ETag, else {@code modified:<epoch seconds>,length:<bytes>} from the metadata_only event,
 * else empty (the object is then identified by bucket and key alone).
 */
public record InputObject(@JsonProperty("bucket") String bucket,
                          @JsonProperty("key") String key,
                          @JsonProperty("version") String version) {

    public String s3Uri() {
        return "s3://" + bucket + "/" + key;
    }

    /** The identity a job name is derived from: same identity, same job. */
    public String identity() {
        return s3Uri() + "#" + version;
    }
}
