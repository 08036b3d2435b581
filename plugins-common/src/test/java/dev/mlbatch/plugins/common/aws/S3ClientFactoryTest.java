package dev.mlbatch.plugins.common.aws;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mlbatch.plugins.common.testing.LocalS3;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.aws.api.AwsConfig;
import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared S3 client against a real S3 server (s3proxy in process, SigV4 with one key pair). */
class S3ClientFactoryTest {
    private static final String ACCESS_KEY = LocalS3.ACCESS_KEY;
    private static final String SECRET_KEY = LocalS3.SECRET_KEY;
    private static final String ROLE = "arn:aws:iam::123456789012:role/Writer";
    private static LocalS3 s3;
    private static String endpoint;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = new LocalS3();
        endpoint = s3.endpoint();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    private static AwsConfig aws(final Map<String, Object> yaml) {
        return JsonMapper.builder().build().convertValue(yaml, AwsConfig.class);
    }

    /** Creates a bucket and writes and reads one object: proves endpoint, addressing and credentials together. */
    private static void roundTrip(final S3Client s3, final String bucket) {
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(b -> b.bucket(bucket).key("a/b.json"), RequestBody.fromString("{}"));
        assertEquals("{}", s3.getObjectAsBytes(b -> b.bucket(bucket).key("a/b.json")).asUtf8String());
    }

    @Test
    void endpointSettingsInTheSdksOrder() {
        assertEquals(Optional.empty(), new S3ClientFactory(k -> null, Map.of()).endpointOverride());
        assertEquals(Optional.of("http://env-all"), new S3ClientFactory(k -> null, Map.of("AWS_ENDPOINT_URL", "http://env-all")).endpointOverride());
        assertEquals(Optional.of("http://env-s3"), new S3ClientFactory(k -> null,
                Map.of("AWS_ENDPOINT_URL", "http://env-all", "AWS_ENDPOINT_URL_S3", "http://env-s3")).endpointOverride());
        assertEquals(Optional.of("http://prop-all"), new S3ClientFactory(k -> "aws.endpointUrl".equals(k) ? "http://prop-all" : null,
                Map.of("AWS_ENDPOINT_URL_S3", "http://env-s3")).endpointOverride());
        assertEquals(Optional.of("http://prop-s3"), new S3ClientFactory(k -> "aws.endpointUrlS3".equals(k) ? "http://prop-s3" : "http://prop-all",
                Map.of()).endpointOverride());
        assertFalse(new S3ClientFactory(k -> " ", Map.of("AWS_ENDPOINT_URL_S3", "")).isEndpointOverridden(), "blank is unset");
    }

    @Test
    void theBlocksRoleAndRegionAreWhatTheSupplierIsAskedFor() {
        // The default pair is wrong for the server: only the role's pair can write.
        final StaticCredentialsSupplier supplier = new StaticCredentialsSupplier("wrong", "wrong").withRole(ROLE, ACCESS_KEY, SECRET_KEY);
        final AwsConfig aws = aws(Map.of("region", "eu-west-1", "sts_role_arn", ROLE, "sts_external_id", "ext-1",
                "sts_header_overrides", Map.of("x-h", "v")));
        try (S3Client s3 = new S3ClientFactory(k -> null, Map.of())
                .create(aws, supplier, S3ClientOptions.defaults().withEndpoint(URI.create(endpoint)))) {
            roundTrip(s3, "role-bucket");
        }
        final AwsCredentialsOptions asked = supplier.requested().get(0);
        assertEquals(Region.EU_WEST_1, asked.getRegion());
        assertEquals(ROLE, asked.getStsRoleArn());
        assertEquals("ext-1", asked.getStsExternalId());
        assertEquals(Map.of("x-h", "v"), asked.getStsHeaderOverrides());
        assertFalse(asked.isUseDefaultCredentialsProvider());
    }

    @Test
    void withoutARegionTheHostsDefaultIsUsed() {
        final AwsCredentialsSupplier withDefault = new NamedConfigurations(Map.of(), Region.AP_SOUTH_1);
        assertEquals(Optional.of(Region.AP_SOUTH_1), S3ClientFactory.region(aws(Map.of()), withDefault));
        assertEquals(Optional.of(Region.AP_SOUTH_1), S3ClientFactory.region(null, withDefault));
        assertEquals(Optional.of(Region.EU_WEST_1), S3ClientFactory.region(aws(Map.of("region", "eu-west-1")), withDefault));
        final AwsCredentialsOptions none = S3ClientFactory.credentialsOptions(null, null);
        assertNull(none.getStsRoleArn());
        assertEquals(Map.of(), none.getStsHeaderOverrides());
    }

    @Test
    void aNamedConfigurationIsAskedForByName() {
        final NamedConfigurations supplier = new NamedConfigurations(Map.of("shared",
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))), null);
        try (S3Client s3 = new S3ClientFactory(k -> null, Map.of()).create(aws(Map.of("configuration", "shared", "region", "us-east-1")),
                supplier, S3ClientOptions.defaults().withEndpoint(URI.create(endpoint)))) {
            roundTrip(s3, "named-bucket");
        }
        assertEquals(List.of("shared"), supplier.names);
        assertEquals(0, supplier.inline, "no inline options asked for");
    }

    @Test
    void theSdksEndpointSettingMeansPathStyle() {
        final StaticCredentialsSupplier supplier = new StaticCredentialsSupplier(ACCESS_KEY, SECRET_KEY);
        final String before = System.getProperty("aws.endpointUrlS3");
        // The SDK reads the property itself; the factory only has to see it to choose path-style addressing,
        // without which the bucket would become a host name (path-bucket.127.0.0.1) that does not resolve.
        System.setProperty("aws.endpointUrlS3", endpoint);
        try (S3Client s3 = S3ClientFactory.fromProcess().create(aws(Map.of("region", "us-east-1")), supplier,
                S3ClientOptions.defaults().withFollowBucketRegion(true).withMaxConnections(4).withMaxAttempts(2))) {
            roundTrip(s3, "path-bucket");
        } finally {
            if (before == null) {
                System.clearProperty("aws.endpointUrlS3");
            } else {
                System.setProperty("aws.endpointUrlS3", before);
            }
        }
    }

    @Test
    void credentialsTheServerRefusesFail() {
        try (S3Client s3 = new S3ClientFactory(k -> null, Map.of()).create(Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("wrong", "wrong")),
                S3ClientOptions.defaults().withEndpoint(URI.create(endpoint)).withMaxAttempts(1))) {
            final S3Exception e = assertThrows(S3Exception.class, () -> s3.createBucket(b -> b.bucket("refused")));
            assertEquals(403, e.statusCode());
        }
    }

    @Test
    void negativeSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> S3ClientOptions.defaults().withMaxAttempts(-1));
        assertTrue(S3ClientOptions.defaults().withMaxConnections(0).maxConnections() == 0);
    }

    /** A host with named AWS configurations only (inline options get no usable key). */
    private static final class NamedConfigurations implements AwsCredentialsSupplier {
        private final Map<String, AwsCredentialsProvider> configurations;
        private final Region defaultRegion;
        final List<String> names = new ArrayList<>();
        int inline;

        NamedConfigurations(final Map<String, AwsCredentialsProvider> configurations, final Region defaultRegion) {
            this.configurations = configurations;
            this.defaultRegion = defaultRegion;
        }

        @Override
        public AwsCredentialsProvider getProvider(final AwsCredentialsOptions options) {
            inline++;
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("wrong", "wrong"));
        }

        @Override
        public AwsCredentialsProvider getProvider(final String configurationName) {
            names.add(configurationName);
            return configurations.get(configurationName);
        }

        @Override
        public Optional<Region> getDefaultRegion() {
            return Optional.ofNullable(defaultRegion);
        }

        @Override
        public Optional<String> getDefaultStsRoleArn() {
            return Optional.empty();
        }
    }
}
