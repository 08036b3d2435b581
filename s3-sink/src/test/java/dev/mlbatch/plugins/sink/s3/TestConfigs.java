package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.opensearch.dataprepper.model.types.ByteCount;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Binds and validates a config the way the runtime does ("60s"/"1500ms"/ISO durations, "50mb" sizes, unknown keys fail). */
final class TestConfigs {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .registerModule(new SimpleModule()
                    .addDeserializer(Duration.class, new JsonDeserializer<>() {
                        @Override
                        public Duration deserialize(final JsonParser p, final DeserializationContext c) throws IOException {
                            final String text = p.getValueAsString();
                            final Matcher m = SIMPLE_DURATION.matcher(text);
                            if (!m.matches()) {
                                return Duration.parse(text);
                            }
                            final long n = Long.parseLong(m.group(1));
                            switch (m.group(2)) {
                                case "ms": return Duration.ofMillis(n);
                                case "s": return Duration.ofSeconds(n);
                                case "m": return Duration.ofMinutes(n);
                                default: return Duration.ofHours(n);
                            }
                        }
                    })
                    .addDeserializer(ByteCount.class, new JsonDeserializer<>() {
                        @Override
                        public ByteCount deserialize(final JsonParser p, final DeserializationContext c) throws IOException {
                            return ByteCount.parse(p.getValueAsString());
                        }
                    }));
    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();

    private TestConfigs() {
    }

    static S3SinkConfig bind(final Map<String, Object> settings) {
        final S3SinkConfig config = MAPPER.convertValue(settings, S3SinkConfig.class);
        final Set<ConstraintViolation<S3SinkConfig>> violations = VALIDATOR.validate(config);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException(violations.stream().map(ConstraintViolation::getMessage)
                    .sorted().collect(Collectors.joining("; ")));
        }
        return config;
    }
}
