package dev.mlbatch.runtime.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.ConfigurationException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Cross-field rules ({@code @AssertTrue boolean isXValid()}) are reported under the YAML key they check. */
class PluginConfigBinderTest {
    private static final ConfigLocation AT = ConfigLocation.ofFile(Path.of("rules.yaml")).pipeline("p").plugin("rules");

    private final PluginConfigBinder binder = new PluginConfigBinder(new DefaultEventKeyFactory());

    public static final class Window {
        @JsonProperty("start_time")
        private String startTime;
        @JsonProperty("end_time")
        private String endTime;

        @AssertTrue(message = "set at most one of start_time and end_time")
        boolean isTimeWindowValid() {
            return startTime == null || endTime == null;
        }
    }

    public static final class Limits {
        @JsonProperty("low")
        private int low;
        @JsonProperty("high")
        private int high = 10;

        @AssertTrue(message = "the limits contradict each other")
        boolean isConsistent() {
            return low <= high;
        }
    }

    public static final class RulesConfig {
        @JsonProperty("retry_interval")
        private Duration retryInterval = Duration.ofSeconds(5);
        @JsonProperty("username")
        private String username;
        @JsonProperty("password")
        private String password;
        @JsonProperty("concurrency")
        private int maxJobs = 1;
        @JsonProperty("windows")
        @Valid
        private List<Window> windows = List.of();
        @JsonProperty("limits")
        @Valid
        private Limits limits = new Limits();
        @JsonProperty("strict")
        private boolean strict;
        @JsonProperty("lenient")
        private boolean lenient;

        @AssertTrue(message = "retry_interval must be between 1s and 60s")
        boolean isRetryIntervalValid() {
            return retryInterval.compareTo(Duration.ofSeconds(1)) >= 0 && retryInterval.compareTo(Duration.ofSeconds(60)) <= 0;
        }

        @AssertTrue(message = "username and password go together")
        boolean isBasicAuthValid() {
            return (username == null) == (password == null);
        }

        @AssertTrue(message = "concurrency must be at least 1")
        boolean isMaxJobsValid() {
            return maxJobs >= 1;
        }

        @AssertTrue(message = "pick one mode, not both")
        boolean isModeValid() {
            return !(strict && lenient);
        }
    }

    private String error(final Map<String, Object> settings) {
        final ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> binder.bind(RulesConfig.class, settings, AT));
        assertFalse(e.getMessage().toLowerCase().contains("valid'"), e.getMessage());
        assertFalse(e.getMessage().contains("_valid"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void ruleNamedAfterAFieldIsReportedUnderThatFieldsYamlKey() {
        assertEquals("rules.yaml, pipeline 'p', plugin 'rules', key 'retry_interval': retry_interval must be between 1s and 60s",
                error(Map.of("retry_interval", "120s")));
        assertEquals("rules.yaml, pipeline 'p', plugin 'rules', key 'concurrency': concurrency must be at least 1",
                error(Map.of("concurrency", 0)));
    }

    @Test
    void ruleNamedAfterNoFieldIsReportedUnderTheFirstKeyItsMessageNames() {
        assertEquals("rules.yaml, pipeline 'p', plugin 'rules', key 'username': username and password go together",
                error(Map.of("password", "secret-value")));
    }

    @Test
    void ruleInsideAListElementKeepsThePathToTheElement() {
        assertEquals("rules.yaml, pipeline 'p', plugin 'rules', key 'windows[1].start_time': set at most one of start_time and end_time",
                error(Map.of("windows", List.of(Map.of("start_time", "a"), Map.of("start_time", "a", "end_time", "b")))));
    }

    @Test
    void ruleWhoseMessageNamesNoKeyStaysAtTheEnclosingMapping() {
        assertEquals("rules.yaml, pipeline 'p', plugin 'rules', key 'limits': the limits contradict each other",
                error(Map.of("limits", Map.of("low", 20))));
        assertEquals("rules.yaml, pipeline 'p', plugin 'rules': pick one mode, not both",
                error(Map.of("strict", true, "lenient", true)));
    }
}
