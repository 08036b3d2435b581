package dev.mlbatch.plugins.s3enrich.config;

import dev.mlbatch.plugins.common.s3.CompressionOption;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.plugin.PluginConfigBinder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link S3EnrichProcessorConfig} bound and validated as the runtime binds plugin settings. */
class S3EnrichProcessorConfigTest {
    private static final String MINIMAL = """
            bucket: { name: mlbatch, filter: { include_prefix: bedrock/input/ } }
            aws: { region: us-east-1 }
            codec: { ndjson: {} }
            correlation_keys: [ recordId ]
            keys_to_merge: [ modelInput/inputText ]
            """;
    private static final String PREFIX = "pipelines.yaml, pipeline 'p', plugin 's3_enrich', key '";

    @Test
    void minimalSettingsTakeUpstreamsDefaults() throws Exception {
        final S3EnrichProcessorConfig config = bind("{}");
        assertEquals("mlbatch", config.getBucketName());
        assertEquals("bedrock/input/", config.getIncludePrefix());
        assertEquals(Region.US_EAST_1, config.getAws().getAwsRegion());
        assertEquals("ndjson", config.getCodec().getPluginName());
        assertEquals("jsonl", config.getCodecExtension());
        assertEquals(CompressionOption.NONE, config.getCompression());
        assertEquals(100L * 1024 * 1024, config.getS3ObjectSizeLimitBytes());
        assertEquals(100_000, config.getCacheMaxCount());
        assertEquals(Duration.ofMinutes(10), config.getCacheTtl());
        assertNull(config.getS3KeyPath());
        assertNull(config.getS3ObjectNamePattern());
        assertEquals("recordId", config.getCorrelationKey());
        assertEquals("recordId", config.getSourceCorrelationKey(), "the source key defaults to the correlation key");
        assertEquals(List.of("modelInput/inputText"), config.getKeysToMerge());
        assertNull(config.getEnrichWhen());
        assertEquals(List.of(), config.getTagsOnFailure());
        assertFalse(config.isDisableBucketOwnershipValidation());
        assertNull(config.getDefaultBucketOwner());
    }

    @Test
    void everyKeyBinds() throws Exception {
        final S3EnrichProcessorConfig config = bind("""
                bucket: { name: other-bucket }
                aws: { region: eu-west-1, sts_role_arn: "arn:aws:iam::123456789012:role/enrich", sts_external_id: ext-1, sts_header_overrides: { h: v } }
                codec: { ndjson: { extension: ndjson } }
                compression: automatic
                s3_object_size_limit: 20mb
                cache_max_count: 0
                cache_ttl: PT2H
                s3_key_path: s3/key
                s3_object_name_pattern: '^(.*)-[0-9a-f]{12}-[0-9]{10}\\.jsonl\\.out$'
                correlation_keys: [ recordId ]
                source_correlation_key: _id
                keys_to_merge: [ text, lemma ]
                enrich_when: '/s3/key != null'
                tags_on_failure: [ not_enriched ]
                default_bucket_owner: "123456789012"
                bucket_owners: { other-bucket: "210987654321" }
                disable_bucket_ownership_validation: true
                """);
        assertEquals("other-bucket", config.getBucketName());
        assertNull(config.getIncludePrefix());
        assertEquals("arn:aws:iam::123456789012:role/enrich", config.getAws().getAwsStsRoleArn());
        assertEquals("ext-1", config.getAws().getAwsStsExternalId());
        assertEquals(Map.of("h", "v"), config.getAws().getAwsStsHeaderOverrides());
        assertEquals("ndjson", config.getCodecExtension(), "the codec's extension setting, as upstream");
        assertEquals(CompressionOption.AUTOMATIC, config.getCompression());
        assertEquals(20L * 1024 * 1024, config.getS3ObjectSizeLimitBytes());
        assertEquals(0, config.getCacheMaxCount());
        assertEquals(Duration.ofHours(2), config.getCacheTtl());
        assertEquals("s3/key", config.getS3KeyPath());
        assertEquals("^(.*)-[0-9a-f]{12}-[0-9]{10}\\.jsonl\\.out$", config.getS3ObjectNamePattern().pattern());
        assertEquals("_id", config.getSourceCorrelationKey());
        assertEquals(List.of("text", "lemma"), config.getKeysToMerge());
        assertEquals("/s3/key != null", config.getEnrichWhen());
        assertEquals(List.of("not_enriched"), config.getTagsOnFailure());
        assertEquals("123456789012", config.getDefaultBucketOwner());
        assertEquals(Map.of("other-bucket", "210987654321"), config.getBucketOwners());
        assertTrue(config.isDisableBucketOwnershipValidation());
    }

    @Test
    void anEmptyAwsBlockLeavesRegionAndRoleToTheHost() throws Exception {
        final S3EnrichProcessorConfig config = bind("aws: {}");
        assertNull(config.getAws().getAwsRegion());
        assertNull(config.getAws().getAwsStsRoleArn());
        assertNull(config.getAws().getAwsStsHeaderOverrides());
    }

    @Test
    void listsHandedOutCannotChangeTheConfig() throws Exception {
        final S3EnrichProcessorConfig config = bind("tags_on_failure: [ a ]");
        assertThrows(UnsupportedOperationException.class, () -> config.getKeysToMerge().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> config.getTagsOnFailure().add("x"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            bucket: null                                         | bucket                 | bucket is required
            bucket: { filter: { include_prefix: x/ } }           | bucket.name            | bucket.name is required
            bucket: { name: ab }                                 | bucket.name            | bucket.name must be between 3 and 500 characters
            aws: null                                            | aws                    | aws is required
            aws: { region: '' }                                  | aws.region             | aws.region cannot be an empty string
            aws: { sts_role_arn: short }                         | aws.sts_role_arn       | aws.sts_role_arn must be between 20 and 2048 characters
            codec: null                                          | codec                  | codec is required
            correlation_keys: null                               | correlation_keys       | correlation_keys is required and takes exactly one
            correlation_keys: [ recordId, custom_id ]            | correlation_keys       | correlation_keys is required and takes exactly one
            correlation_keys: [ ' ' ]                            | correlation_keys       | correlation_keys is required and takes exactly one
            source_correlation_key: ' '                          | source_correlation_key | source_correlation_key must not be blank
            keys_to_merge: []                                    | keys_to_merge          | keys_to_merge is required
            keys_to_merge: null                                  | keys_to_merge          | keys_to_merge is required
            merge_all_keys: true                                 | merge_all_keys         | keys_to_merge and merge_all_keys: true exclude each other
            { keys_to_merge: null, merge_all_keys: false }       | keys_to_merge          | keys_to_merge is required: at least one key of the source record to copy into the event (or merge_all_keys: true
            s3_object_name_pattern: '^(.*\\.out$'                | s3_object_name_pattern | s3_object_name_pattern must be a valid regular expression with at least one capture group
            s3_object_name_pattern: '^.*\\.out$'                 | s3_object_name_pattern | s3_object_name_pattern must be a valid regular expression with at least one capture group
            s3_key_path: ' '                                     | s3_key_path            | s3_key_path must not be blank
            cache_ttl: 30s                                       | cache_ttl              | cache_ttl must be between 1 minute and 120 minutes
            cache_ttl: PT121M                                    | cache_ttl              | cache_ttl must be between 1 minute and 120 minutes
            cache_max_count: 1000001                             | cache_max_count        | cache_max_count must be between 0 and 1000000
            cache_max_count: -1                                  | cache_max_count        | cache_max_count must be between 0 and 1000000
            s3_object_size_limit: 301mb                          | s3_object_size_limit   | s3_object_size_limit must be between 1 byte and 300mb
            default_bucket_owner: '12345'                        | default_bucket_owner   | default_bucket_owner must be a 12-digit AWS account id
            tags_on_failure: [ '' ]                              | tags_on_failure        | tags_on_failure must not contain blank tags
            """)
    void aBadValueIsReportedUnderItsKey(final String change, final String key, final String message) {
        final ConfigurationException e = assertThrows(ConfigurationException.class, () -> bind(change));
        assertTrue(e.getMessage().startsWith(PREFIX + key + "': " + message), e.getMessage());
    }

    @Test
    void mergeAllKeysTakesThePlaceOfKeysToMerge() throws Exception {
        final S3EnrichProcessorConfig config = bind("{ keys_to_merge: null, merge_all_keys: true }");
        assertTrue(config.isMergeAllKeys());
        assertEquals(List.of(), config.getKeysToMerge());
        assertFalse(bind("{}").isMergeAllKeys(), "upstream's behaviour by default: only the listed keys");
    }

    @Test
    void upstreamsReadmeSpellingCorrelationKeyIsRefusedWithTheRightName() {
        final ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> bind("{ correlation_key: recordId }"));
        assertTrue(e.getMessage().contains("correlation_key") && e.getMessage().contains("did you mean 'correlation_keys'"),
                e.getMessage());
    }

    @Test
    void unsupportedCompressionNamesTheChoices() {
        final ConfigurationException e = assertThrows(ConfigurationException.class, () -> bind("compression: snappy"));
        assertTrue(e.getMessage().startsWith(PREFIX + "compression'"), e.getMessage());
        assertTrue(e.getMessage().contains("none, gzip, automatic"), e.getMessage());
    }

    private static S3EnrichProcessorConfig bind(final String change) throws Exception {
        final YAMLMapper yaml = new YAMLMapper();
        final TypeReference<LinkedHashMap<String, Object>> mapping = new TypeReference<>() {
        };
        final Map<String, Object> settings = yaml.readValue(MINIMAL, mapping);
        final Map<String, Object> changes = yaml.readValue(change.trim().startsWith("{") || change.trim().contains("\n") ? change : "{ " + change + " }", mapping);
        changes.forEach((k, v) -> {
            if (v == null) {
                settings.remove(k);
            } else {
                settings.put(k, v);
            }
        });
        return new PluginConfigBinder(new DefaultEventKeyFactory()).bind(S3EnrichProcessorConfig.class, settings,
                ConfigLocation.ofFile(Path.of("pipelines.yaml")).pipeline("p").plugin("s3_enrich"));
    }
}
