package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.config.ServiceName;

import java.io.IOException;
import java.util.Optional;

/**
 * Decides whether one input record can be embedded at all, before a paid job is created for it: the line is
 * UTF-8 and a JSON object (Bedrock: with a {@code modelInput} object), and the text at {@code record_text_path}
 * is a string that is not blank after trimming and not longer than {@code max_text_length} characters.
 */
public final class RecordScreen {
    private final ServiceName service;
    private final JsonPointer textPath;
    private final String textPathName;
    private final int maxTextLength;
    private final ObjectMapper mapper;

    public RecordScreen(final ServiceName service, final String textPath, final int maxTextLength, final ObjectMapper mapper) {
        this.service = service;
        this.textPathName = textPath;
        this.textPath = JsonPointer.compile(textPath);
        this.maxTextLength = maxTextLength;
        this.mapper = mapper;
    }

    /** @return why the record can never be embedded, if it cannot */
    public Optional<String> problem(final InputRecord record) {
        if (!record.validUtf8()) {
            return Optional.of("the line is not valid UTF-8");
        }
        final JsonNode node;
        try {
            node = mapper.readTree(record.text());
        } catch (final IOException e) {
            return Optional.of("the line is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            return Optional.of("the line is not a JSON object");
        }
        if (service == ServiceName.BEDROCK && !node.path("modelInput").isObject()) {
            return Optional.of("the record has no modelInput object");
        }
        if (service == ServiceName.OPENAI && !node.path("custom_id").isTextual()) {
            // OpenAI matches each output line to its request by custom_id; without one a vector could not be placed.
            return Optional.of("the record has no custom_id string");
        }
        if (service == ServiceName.COHERE && !node.path("id").isValueNode()) {
            // The dataset keeps field id (keep_fields=id): Cohere refuses a dataset with a row without it.
            return Optional.of("the record has no id");
        }
        final JsonNode text = node.at(textPath);
        if (text.isMissingNode() || text.isNull()) {
            return Optional.of("text is missing at " + textPathName);
        }
        if (!text.isTextual()) {
            return Optional.of("text at " + textPathName + " is not a string");
        }
        if (text.asText().isBlank()) {
            return Optional.of("text at " + textPathName + " is blank");
        }
        if (text.asText().length() > maxTextLength) {
            return Optional.of("text at " + textPathName + " is longer than " + maxTextLength + " characters");
        }
        return Optional.empty();
    }

    /** Bedrock's record id of a record, if it has one. */
    public Optional<String> recordId(final InputRecord record) {
        try {
            final JsonNode id = mapper.readTree(record.text()).path("recordId");
            return id.isValueNode() && !id.isNull() ? Optional.of(id.asText()) : Optional.empty();
        } catch (final IOException e) {
            return Optional.empty();
        }
    }
}
