package dev.mlbatch.plugins.sink.s3;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EndpointOverrideTest {
    @Test
    void serviceSpecificSettingsWinOverGlobalOnesAndPropertiesOverEnvironment() {
        assertEquals(Optional.empty(), new EndpointOverride(k -> null, Map.of()).endpoint());
        assertEquals(Optional.of("http://env-s3"), new EndpointOverride(k -> null,
                Map.of("AWS_ENDPOINT_URL_S3", "http://env-s3", "AWS_ENDPOINT_URL", "http://env-all")).endpoint());
        assertEquals(Optional.of("http://env-all"), new EndpointOverride(k -> null,
                Map.of("AWS_ENDPOINT_URL", "http://env-all")).endpoint());
        assertEquals(Optional.of("http://prop-s3"), new EndpointOverride(
                k -> k.equals("aws.endpointUrlS3") ? "http://prop-s3" : null,
                Map.of("AWS_ENDPOINT_URL_S3", "http://env-s3")).endpoint());
    }
}
