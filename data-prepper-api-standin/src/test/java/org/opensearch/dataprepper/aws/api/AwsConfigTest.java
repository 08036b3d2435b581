package org.opensearch.dataprepper.aws.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.regions.Region;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwsConfigTest {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();
    private static final String ROLE = "arn:aws:iam::123456789012:role/Reader";

    private static AwsConfig bind(final Map<String, Object> yaml) {
        return MAPPER.convertValue(yaml, AwsConfig.class);
    }

    private static List<String> problems(final AwsConfig config) {
        final Set<ConstraintViolation<AwsConfig>> violations = VALIDATOR.validate(config);
        return violations.stream().map(v -> v.getPropertyPath() + ": " + v.getMessage()).sorted().toList();
    }

    @Test
    void bindsUpstreamKeys() {
        final AwsConfig config = bind(Map.of("region", "eu-west-1", "sts_role_arn", ROLE, "sts_external_id", "ext-1",
                "sts_header_overrides", Map.of("x-h", "v")));
        assertEquals(Region.EU_WEST_1, config.getAwsRegion());
        assertEquals(ROLE, config.getAwsStsRoleArn());
        assertEquals("ext-1", config.getAwsStsExternalId());
        assertEquals(Map.of("x-h", "v"), config.getAwsStsHeaderOverrides());
        assertNull(config.getConfiguration());
        assertEquals(List.of(), problems(config));
    }

    @Test
    void anEmptyBlockLeavesEverythingUnset() {
        final AwsConfig config = bind(Map.of());
        assertNull(config.getAwsRegion());
        assertNull(config.getAwsStsRoleArn());
        assertNull(config.getAwsStsExternalId());
        assertNull(config.getAwsStsHeaderOverrides());
        assertTrue(config.isValidConfiguration());
        assertEquals(List.of(), problems(config));
    }

    @Test
    void anUnknownKeyIsRefused() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bind(Map.of("regoin", "x")));
        assertTrue(e.getCause() instanceof UnrecognizedPropertyException, e.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "region          | ''                 | awsRegion: aws.region cannot be an empty string",
            "sts_role_arn    | arn:aws:iam::1:r   | awsStsRoleArn: aws.sts_role_arn must be between 20 and 2048 characters",
            "sts_external_id | x                  | awsStsExternalId: aws.sts_external_id must be between 2 and 1224 characters",
    })
    void limitsAreUpstreams(final String key, final String value, final String problem) {
        assertEquals(List.of(problem), problems(bind(Map.of(key, value))));
    }

    @Test
    void atMostFiveHeaderOverrides() {
        final Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i <= 5; i++) {
            headers.put("h" + i, "v");
        }
        assertEquals(List.of(), problems(bind(Map.of("sts_header_overrides", headers))));
        headers.put("h6", "v");
        assertEquals(List.of("awsStsHeaderOverrides: aws.sts_header_overrides allows at most 5 headers"),
                problems(bind(Map.of("sts_header_overrides", headers))));
    }

    @Test
    void aNamedConfigurationExcludesTheInlineRoleButNotTheRegion() {
        assertEquals(List.of(), problems(bind(Map.of("configuration", "shared", "region", "us-west-2"))));
        assertEquals("shared", bind(Map.of("configuration", "shared")).getConfiguration());
        for (final Map<String, Object> inline : List.<Map<String, Object>>of(Map.of("sts_role_arn", ROLE),
                Map.of("sts_external_id", "ext-1"), Map.of("sts_header_overrides", Map.of()))) {
            final Map<String, Object> yaml = new LinkedHashMap<>(inline);
            yaml.put("configuration", "shared");
            final AwsConfig config = bind(yaml);
            assertEquals(false, config.isValidConfiguration(), yaml.toString());
            assertEquals(1, problems(config).size(), yaml.toString());
            assertTrue(problems(config).get(0).startsWith("validConfiguration: aws.configuration cannot be combined"), yaml.toString());
        }
    }
}
