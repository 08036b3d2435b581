package dev.mlbatch.plugins.mlinference.config;

import dev.mlbatch.plugins.common.testing.ConfigDescriptions;
import dev.mlbatch.plugins.mlinference.dlq.S3DlqOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every key of this plugin's configuration, nested option classes included, carries a description for the docs. */
class ConfigDescriptionsCompleteTest {
    @Test
    void every_bound_property_has_a_description() {
        assertEquals(List.of(), ConfigDescriptions.undescribed(MLProcessorConfig.class),
                "add @JsonPropertyDescription (what the key does, its default, units) to these properties");
        // Guards the walk itself: it must reach the nested option classes, not stop at the root.
        assertTrue(ConfigDescriptions.classesWalked(MLProcessorConfig.class) >= 3,
                "walked " + ConfigDescriptions.classesWalked(MLProcessorConfig.class) + " classes");
    }

    @Test
    void the_dlq_s3_keys_have_descriptions_too() {
        // dlq is a PluginModel (upstream's shape), so the walk from the root does not reach the class that binds dlq.s3.
        assertEquals(List.of(), ConfigDescriptions.undescribed(S3DlqOptions.class),
                "add @JsonPropertyDescription to these dlq.s3 properties");
    }
}
