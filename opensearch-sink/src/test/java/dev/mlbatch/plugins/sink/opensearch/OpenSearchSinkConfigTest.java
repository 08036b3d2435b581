package dev.mlbatch.plugins.sink.opensearch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Binding, defaults and the errors a user sees for bad configuration. */
class OpenSearchSinkConfigTest {
    @TempDir
    Path dir;

    private static Map<String, Object> base() {
        return new HashMap<>(Map.of("hosts", List.of("http://localhost:9200"), "index", "docs"));
    }

    private static String violations(final Map<String, Object> settings) {
        return assertThrows(IllegalArgumentException.class, () -> TestConfigs.bind(settings)).getMessage();
    }

    @Test
    void defaultsFollowUpstream() {
        final OpenSearchSinkConfig config = TestConfigs.bind(base());
        assertEquals(5L * 1024 * 1024, config.getBulkSizeBytes());
        assertEquals(60_000, config.getFlushTimeout());
        assertEquals(Integer.MAX_VALUE, config.getMaxRetries());
        assertEquals("index", config.getAction());
        assertEquals(IndexType.CUSTOM, config.getIndexType());
        assertEquals(TemplateType.V1, config.getTemplateType());
    }

    @Test
    void serverlessDefaultsToManagementDisabledAndComposableTemplates() {
        final Map<String, Object> settings = base();
        settings.put("aws", Map.of("region", "us-west-2", "serverless", true));
        final OpenSearchSinkConfig config = TestConfigs.bind(settings);
        assertEquals(IndexType.MANAGEMENT_DISABLED, config.getIndexType());
        assertEquals(TemplateType.INDEX_TEMPLATE, config.getTemplateType());
        assertEquals("aoss", config.getAws().signingServiceName());
    }

    @Test
    void theAwsBlockIsTheSharedOneWithServerlessAndAUsEast1Default() {
        Map<String, Object> settings = base();
        settings.put("aws", Map.of("sts_role_arn", "arn:aws:iam::123456789012:role/Writer", "sts_external_id", "ext-1"));
        OpenSearchSinkConfig config = TestConfigs.bind(settings);
        assertEquals(software.amazon.awssdk.regions.Region.US_EAST_1, config.getAws().region());
        assertEquals(null, config.getAws().getAwsRegion(), "as written: no region");
        assertEquals("arn:aws:iam::123456789012:role/Writer", config.getAws().getAwsStsRoleArn());
        assertEquals("ext-1", config.getAws().getAwsStsExternalId());
        assertEquals("es", config.getAws().signingServiceName());
        settings = base();
        settings.put("aws", Map.of("region", "eu-central-1", "configuration", "shared"));
        config = TestConfigs.bind(settings);
        assertEquals(software.amazon.awssdk.regions.Region.EU_CENTRAL_1, config.getAws().region());
        assertEquals("shared", config.getAws().getConfiguration());
        settings = base();
        settings.put("aws", Map.of("configuration", "shared", "sts_role_arn", "arn:aws:iam::123456789012:role/Writer"));
        assertTrue(violations(settings).contains("aws.configuration cannot be combined with sts_role_arn"), violations(settings));
    }

    @Test
    void badCombinationsAreNamed() {
        Map<String, Object> s = base();
        s.put("action", "update");
        assertTrue(violations(s).contains("need document_id"));
        s = base();
        s.put("username", "admin");
        assertTrue(violations(s).contains("username and password must be given together"));
        s = base();
        s.put("username", "admin");
        s.put("password", "x");
        s.put("aws", Map.of());
        assertTrue(violations(s).contains("cannot be combined"));
        s = base();
        s.put("template_file", "a.json");
        s.put("template_content", "{}");
        assertTrue(violations(s).contains("template_file and template_content are mutually exclusive"));
        s = base();
        s.put("action", "replace");
        assertTrue(violations(s).contains("action must be one of"));
        s = base();
        s.put("hosts", List.of("localhost:9200"));
        assertTrue(violations(s).contains("hosts must be http:// or https:// URLs"));
        s = base();
        s.remove("index");
        assertTrue(violations(s).contains("index is required"));
        s = base();
        s.put("index_type", "log-analytics");
        final Map<String, Object> unsupported = s;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TestConfigs.bind(unsupported)).getMessage()
                .contains("index_type 'log-analytics' is not supported"));
        s = base();
        s.put("bulk_sise", 5);
        final Map<String, Object> typo = s;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TestConfigs.bind(typo)).getMessage().contains("bulk_sise"));
    }

    private OpenSearchSink sink(final Map<String, Object> settings) {
        return new OpenSearchSink(TestEvents.setting("config"), TestConfigs.bind(settings), new SinkContext(null), null, null);
    }

    @Test
    void malformedTemplateFileFailsAtConstructionWithPathAndLine() throws Exception {
        final Path template = dir.resolve("template.json");
        Files.writeString(template, "{\n  \"mappings\": {\n    \"properties\": {\"v\": {\"type\": \"knn_vector\",}}\n  }\n}");
        final Map<String, Object> settings = base();
        settings.put("template_file", template.toString());
        final InvalidPluginConfigurationException e = assertThrows(InvalidPluginConfigurationException.class, () -> sink(settings));
        assertTrue(e.getMessage().contains("template_file '" + template + "' is not valid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void templateWithUnknownTopLevelKeyOrMissingFileIsRejected() throws Exception {
        final Path template = dir.resolve("template.json");
        Files.writeString(template, "{\"mapping\": {}}");
        final Map<String, Object> settings = base();
        settings.put("template_file", template.toString());
        assertTrue(assertThrows(InvalidPluginConfigurationException.class, () -> sink(settings)).getMessage()
                .contains("unknown top-level key 'mapping'"));
        settings.put("template_file", dir.resolve("missing.json").toString());
        assertTrue(assertThrows(InvalidPluginConfigurationException.class, () -> sink(settings)).getMessage()
                .contains("does not exist"));
    }

    @Test
    void invalidDatePatternAndUnreadableCertAreRejected() {
        final Map<String, Object> settings = base();
        settings.put("index", "logs-%{yyyy.MM.dd.bogusQQQQQQ}");
        assertTrue(assertThrows(InvalidPluginConfigurationException.class, () -> sink(settings)).getMessage()
                .contains("invalid date pattern"));
        final Map<String, Object> cert = base();
        cert.put("cert", dir.resolve("nope.pem").toString());
        assertTrue(assertThrows(InvalidPluginConfigurationException.class, () -> sink(cert)).getMessage()
                .contains("cert '"));
    }
}
