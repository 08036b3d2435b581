package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;

/** Options of the {@code newline} input codec (as upstream's {@code NewlineDelimitedInputConfig}). */
public class NewlineDelimitedInputCodecConfig {
    @JsonProperty("skip_lines")
    @Min(value = 0, message = "skip_lines must be 0 or more")
    private int skipLines = 0;

    @JsonProperty("header_destination")
    private String headerDestination;

    /** Lines dropped from the start of the input before anything else is read. */
    public int getSkipLines() {
        return skipLines;
    }

    /** When set, the first line after the skipped ones is a header, stored under this key in every event. */
    public String getHeaderDestination() {
        return headerDestination;
    }

    @AssertTrue(message = "header_destination must not be empty; remove the key to read no header")
    boolean isHeaderDestinationValid() {
        return headerDestination == null || !headerDestination.isEmpty();
    }
}
