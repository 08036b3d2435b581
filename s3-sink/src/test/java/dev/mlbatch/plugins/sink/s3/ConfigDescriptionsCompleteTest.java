package dev.mlbatch.plugins.sink.s3;

import dev.mlbatch.plugins.common.testing.ConfigDescriptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every key of this plugin's configuration, nested option classes included, carries a description for the docs. */
class ConfigDescriptionsCompleteTest {
    @Test
    void every_bound_property_has_a_description() {
        assertEquals(List.of(), ConfigDescriptions.undescribed(S3SinkConfig.class),
                "add @JsonPropertyDescription (what the key does, its default, units) to these properties");
        // Guards the walk itself: it must reach the nested option classes, not stop at the root.
        assertTrue(ConfigDescriptions.classesWalked(S3SinkConfig.class) >= 3,
                "walked " + ConfigDescriptions.classesWalked(S3SinkConfig.class) + " classes");
    }
}
