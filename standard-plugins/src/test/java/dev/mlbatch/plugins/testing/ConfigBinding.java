package dev.mlbatch.plugins.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.EventKeyConfiguration;
import org.opensearch.dataprepper.model.event.EventKeyFactory;
import org.opensearch.dataprepper.model.event.TestEventKeyFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Binds a plugin configuration class from a map the way a Data Prepper host does: a plain Jackson mapper (with
 * JavaTimeModule, unknown keys rejected) plus an EventKey deserializer honouring {@link EventKeyConfiguration};
 * then validates it with hibernate-validator. Proves the @JsonProperty names and constraints without the runtime.
 */
public final class ConfigBinding {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule().addDeserializer(EventKey.class, new EventKeyDeserializer(null)))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private ConfigBinding() {
    }

    public static <T> T bind(final Map<String, Object> settings, final Class<T> type) {
        return MAPPER.convertValue(settings, type);
    }

    /** Binds and requires the result to be valid. */
    public static <T> T bindValid(final Map<String, Object> settings, final Class<T> type) {
        final T config = bind(settings, type);
        final Set<String> problems = violations(config);
        if (!problems.isEmpty()) {
            throw new AssertionError("expected a valid configuration, got: " + problems);
        }
        return config;
    }

    public static Set<String> violations(final Object config) {
        final Set<ConstraintViolation<Object>> violations = VALIDATOR.validate(config);
        return violations.stream().map(ConstraintViolation::getMessage).collect(Collectors.toCollection(TreeSet::new));
    }

    private static final class EventKeyDeserializer extends JsonDeserializer<EventKey> implements ContextualDeserializer {
        private final EventKeyFactory.EventAction[] actions;

        EventKeyDeserializer(final EventKeyFactory.EventAction[] actions) {
            this.actions = actions;
        }

        @Override
        public EventKey deserialize(final JsonParser parser, final DeserializationContext context) throws IOException {
            final String key = parser.getValueAsString();
            final EventKeyFactory factory = TestEventKeyFactory.getTestEventFactory();
            return actions == null ? factory.createEventKey(key) : factory.createEventKey(key, actions);
        }

        @Override
        public JsonDeserializer<?> createContextual(final DeserializationContext context, final BeanProperty property) {
            final EventKeyConfiguration configuration = property == null ? null : property.getAnnotation(EventKeyConfiguration.class);
            return configuration == null ? this : new EventKeyDeserializer(configuration.value());
        }
    }
}
