package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;

import java.util.List;

/** Options of the {@code csv} input codec (as upstream's {@code CsvInputCodecConfig}). */
public class CsvInputCodecConfig {
    static final String DEFAULT_DELIMITER = ",";
    static final String DEFAULT_QUOTE_CHARACTER = "\"";

    @JsonProperty("delimiter")
    private String delimiter = DEFAULT_DELIMITER;

    @JsonProperty("quote_character")
    private String quoteCharacter = DEFAULT_QUOTE_CHARACTER;

    @JsonProperty("header")
    private List<String> header;

    @JsonProperty("detect_header")
    private boolean detectHeader = true;

    public String getDelimiter() {
        return delimiter;
    }

    public String getQuoteCharacter() {
        return quoteCharacter;
    }

    /** Column names used when {@code detect_header} is false; missing names become column1, column2, ... */
    public List<String> getHeader() {
        return header;
    }

    /** Whether the first row holds the column names. */
    public boolean isDetectHeader() {
        return detectHeader;
    }

    @AssertTrue(message = "delimiter must be exactly one character")
    boolean isDelimiterValid() {
        return delimiter != null && delimiter.length() == 1;
    }

    @AssertTrue(message = "quote_character must be exactly one character")
    boolean isQuoteCharacterValid() {
        return quoteCharacter != null && quoteCharacter.length() == 1;
    }

    @AssertTrue(message = "delimiter and quote_character must be different characters")
    boolean isDelimiterDifferentFromQuoteCharacter() {
        return delimiter == null || !delimiter.equals(quoteCharacter);
    }

    @AssertTrue(message = "header is only used with detect_header: false; with detect_header: true the first row is the header")
    boolean isHeaderOnlyWithoutDetection() {
        return header == null || !detectHeader;
    }
}
