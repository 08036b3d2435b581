package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Binds and validates a config the way the runtime does (unknown keys fail, jakarta constraints checked). */
final class TestConfigs {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();

    private TestConfigs() {
    }

    static OpenSearchSinkConfig bind(final Map<String, Object> settings) {
        final OpenSearchSinkConfig config = MAPPER.convertValue(settings, OpenSearchSinkConfig.class);
        final Set<ConstraintViolation<OpenSearchSinkConfig>> violations = VALIDATOR.validate(config);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException(violations.stream().map(ConstraintViolation::getMessage)
                    .sorted().collect(Collectors.joining("; ")));
        }
        return config;
    }
}
