package dev.mlbatch.plugins.file;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import org.opensearch.dataprepper.model.configuration.PluginModel;

/** Options of the {@code file} source (upstream's, plus {@code acknowledgments}). */
public class FileSourceConfig {
    static final String EVENT_RECORD_TYPE = "event";

    @JsonProperty("path")
    @NotEmpty(message = "path is required: the file to read")
    private String path;

    @JsonProperty("format")
    private FileFormat format;

    // A field constraint (not a cross-field @AssertTrue) so hosts report it under the key record_type.
    @JsonProperty("record_type")
    @Pattern(regexp = EVENT_RECORD_TYPE, message = "record_type must be event: this runtime passes events only, and "
            + "record_type 'string' (raw strings) is not supported; leave record_type out or set it to event")
    private String recordType = EVENT_RECORD_TYPE;

    @JsonProperty("codec")
    private PluginModel codec;

    @JsonProperty("acknowledgments")
    private boolean acknowledgments = false;

    public String getPath() {
        return path;
    }

    /** {@code plain} unless set. */
    public FileFormat getFormat() {
        return format == null ? FileFormat.PLAIN : format;
    }

    public String getRecordType() {
        return recordType;
    }

    /** An input codec ({@code {name: {settings}}}) that parses the whole file instead of {@code format}. */
    public PluginModel getCodec() {
        return codec;
    }

    public boolean isAcknowledgments() {
        return acknowledgments;
    }

    @AssertTrue(message = "set either format or codec, not both: a codec decides how the file is parsed")
    boolean isFormatOrCodec() {
        return format == null || codec == null;
    }
}
