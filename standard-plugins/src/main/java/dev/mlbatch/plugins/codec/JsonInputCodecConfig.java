package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.StreamReadConstraints;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Options of the {@code json} input codec (as upstream's {@code JsonInputCodecConfig}). */
public class JsonInputCodecConfig {
    @JsonProperty("key_name")
    @Size(min = 1, max = 2048, message = "key_name must be 1 to 2048 characters long")
    private String keyName;

    @JsonProperty("include_keys")
    private List<String> includeKeys;

    @JsonProperty("include_keys_metadata")
    private List<String> includeKeysMetadata;

    @JsonProperty("max_event_length")
    @Min(value = StreamReadConstraints.DEFAULT_MAX_STRING_LEN,
            message = "max_event_length must be at least " + StreamReadConstraints.DEFAULT_MAX_STRING_LEN)
    private Integer maxEventLength;

    /** Only the array in the field with this name holds records; null means every array found. */
    public String getKeyName() {
        return keyName;
    }

    /** Fields (outside the records array) whose values are copied into every event. */
    public List<String> getIncludeKeys() {
        return includeKeys;
    }

    /** Fields (outside the records array) whose values are set as metadata attributes of every event. */
    public List<String> getIncludeKeysMetadata() {
        return includeKeysMetadata;
    }

    /** The longest string value allowed in the input (Jackson's limit is raised to it); null keeps Jackson's. */
    public Integer getMaxEventLength() {
        return maxEventLength;
    }
}
