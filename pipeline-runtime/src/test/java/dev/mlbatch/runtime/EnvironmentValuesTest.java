package dev.mlbatch.runtime;

import dev.mlbatch.runtime.aws.DefaultAwsCredentialsSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvironmentValuesTest {
    private static final Map<String, String> STACK_ENV = Map.of(
            "AWS_ACCESS_KEY_ID", "AKIAENVFILETEST00001",
            "AWS_SECRET_ACCESS_KEY", "env-file-secret",
            "AWS_SESSION_TOKEN", "env-file-token",
            "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:19000",
            "AWS_REGION", "us-east-1");
    private static final List<String> PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken",
            "aws.endpointUrlS3", "aws.region");

    @AfterEach
    void clearProperties() {
        PROPERTIES.forEach(System::clearProperty);
    }

    @Test
    void theEnvFilesEndpointsReachTheSdkButItsKeysStayOutOfSystemProperties() {
        PROPERTIES.forEach(System::clearProperty);
        final EnvironmentValues values = EnvironmentValues.of(Map.of(), Map.of(), STACK_ENV);
        values.exportAwsEndpointsToSdk();
        assertEquals("http://127.0.0.1:19000", System.getProperty("aws.endpointUrlS3"));
        assertEquals("us-east-1", System.getProperty("aws.region"));
        assertNull(System.getProperty("aws.accessKeyId"));
        assertNull(System.getProperty("aws.secretAccessKey"));
        assertNull(System.getProperty("aws.sessionToken"));

        final AwsCredentials keys = values.fileCredentials().orElseThrow();
        assertEquals("AKIAENVFILETEST00001", keys.accessKeyId());
        assertEquals("env-file-secret", keys.secretAccessKey());
        assertEquals("env-file-token", assertInstanceOf(AwsSessionCredentials.class, keys).sessionToken());
    }

    @Test
    void plugInsGetTheEnvFilesKeysThroughTheCredentialsSupplier() {
        final EnvironmentValues values = EnvironmentValues.of(Map.of(), Map.of(), STACK_ENV);
        final DefaultAwsCredentialsSupplier supplier = new DefaultAwsCredentialsSupplier(
                StaticCredentialsProvider.create(values.fileCredentials().orElseThrow()), Region.US_EAST_1, null, Map.of());
        final AwsCredentials resolved = supplier.getProvider(AwsCredentialsOptions.builder().withRegion(Region.US_EAST_1).build())
                .resolveCredentials();
        assertEquals("AKIAENVFILETEST00001", resolved.accessKeyId());
        assertEquals("env-file-secret", resolved.secretAccessKey());
    }

    @Test
    void keysInTheProcessEnvironmentWinAndTheFilesAreNotUsed() {
        final EnvironmentValues values = EnvironmentValues.of(Map.of(), Map.of("AWS_ACCESS_KEY_ID", "AKIAREALENVIRONMENT1"), STACK_ENV);
        assertTrue(values.fileCredentials().isEmpty());
    }

    @Test
    void anOverrideReplacesTheFilesValue() {
        final EnvironmentValues values = EnvironmentValues.of(Map.of("AWS_SECRET_ACCESS_KEY", "override-secret"), Map.of(), STACK_ENV);
        assertEquals("override-secret", values.fileCredentials().orElseThrow().secretAccessKey());
    }
}
