package dev.mlbatch.plugins.mlinference.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.TestEventKeyFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds processor YAML the way the runtime does (unknown keys fail, "60s"/"500ms"/ISO durations, EventKeys
 * from strings, jakarta validation), so config tests exercise the same annotations.
 */
public final class ConfigBinder {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");
    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .registerModule(new SimpleModule()
                    .addDeserializer(Duration.class, new JsonDeserializer<>() {
                        @Override
                        public Duration deserialize(final JsonParser p, final DeserializationContext ctxt) throws IOException {
                            final String text = p.getValueAsString().trim();
                            final Matcher m = SIMPLE_DURATION.matcher(text);
                            if (!m.matches()) {
                                return Duration.parse(text);
                            }
                            final long n = Long.parseLong(m.group(1));
                            return switch (m.group(2)) {
                                case "ms" -> Duration.ofMillis(n);
                                case "s" -> Duration.ofSeconds(n);
                                case "m" -> Duration.ofMinutes(n);
                                case "h" -> Duration.ofHours(n);
                                default -> Duration.ofDays(n);
                            };
                        }
                    })
                    .addDeserializer(EventKey.class, new JsonDeserializer<>() {
                        @Override
                        public EventKey deserialize(final JsonParser p, final DeserializationContext ctxt) throws IOException {
                            return TestEventKeyFactory.getTestEventFactory().createEventKey(p.getValueAsString());
                        }
                    }));

    private ConfigBinder() {
    }

    public static MLProcessorConfig bind(final String yaml) {
        final MLProcessorConfig config;
        try {
            config = MAPPER.readValue(yaml, MLProcessorConfig.class);
        } catch (final IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        final List<String> problems = violations(config);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return config;
    }

    public static List<String> violations(final MLProcessorConfig config) {
        final Set<ConstraintViolation<MLProcessorConfig>> violations = VALIDATOR.validate(config);
        return violations.stream().map(ConstraintViolation::getMessage).sorted().toList();
    }
}
