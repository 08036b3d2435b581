package dev.mlbatch.plugins.common.testing;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The checker itself: it must name a missing description wherever it hides (nested, in a list, a map, a superclass). */
class ConfigDescriptionsTest {
    static class Base {
        @JsonProperty("region")
        private String region;
    }

    static class Leaf {
        @JsonProperty("described")
        @JsonPropertyDescription("A key with a description.")
        private String described;

        @JsonProperty("blank")
        @JsonPropertyDescription("  ")
        private String blank;
    }

    static class Root extends Base {
        @JsonProperty("name")
        @JsonPropertyDescription("The name.")
        private String name;

        @JsonProperty("items")
        @JsonPropertyDescription("Nested items.")
        private List<Leaf> items;

        @JsonProperty("by_name")
        @JsonPropertyDescription("Nested by name.")
        private Map<String, Leaf> byName;

        private String notBound;

        @JsonProperty("count")
        void setCount(final int count) {
        }
    }

    static class Complete {
        @JsonProperty("a")
        @JsonPropertyDescription("A.")
        private String a;
    }

    @Test
    void names_every_bound_property_without_a_description() {
        // Reflection gives members in no promised order, so compare as sets.
        assertEquals(Set.of("Root.setCount() (count)", "Base.region (region)", "Leaf.blank (blank)"),
                Set.copyOf(ConfigDescriptions.undescribed(Root.class)));
        assertEquals(2, ConfigDescriptions.classesWalked(Root.class));
    }

    @Test
    void a_complete_class_has_nothing_missing() {
        assertEquals(List.of(), ConfigDescriptions.undescribed(Complete.class));
    }
}
