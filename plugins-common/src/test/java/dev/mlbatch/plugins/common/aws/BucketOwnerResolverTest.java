package dev.mlbatch.plugins.common.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.aws.api.AwsConfig;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketOwnerResolverTest {
    private static final AwsConfig WITH_ROLE = new ObjectMapper().convertValue(
            Map.of("region", "us-east-1", "sts_role_arn", "arn:aws:iam::111122223333:role/reader"), AwsConfig.class);

    @Test
    void aBucketsOwnerThenTheDefaultOwnerThenTheRolesAccount() {
        assertEquals(Optional.of("444455556666"),
                new BucketOwnerResolver(false, Map.of("b", "444455556666"), "777788889999", WITH_ROLE).expectedOwner("b"));
        assertEquals(Optional.of("777788889999"),
                new BucketOwnerResolver(false, Map.of("b", "444455556666"), "777788889999", WITH_ROLE).expectedOwner("other"));
        assertEquals(Optional.of("111122223333"), new BucketOwnerResolver(false, Map.of(), null, WITH_ROLE).expectedOwner("other"));
    }

    @Test
    void noOwnerWhenValidationIsOffOrNothingNamesOne() {
        final BucketOwnerResolver off = new BucketOwnerResolver(true, Map.of("b", "444455556666"), "777788889999", WITH_ROLE);
        assertEquals(Optional.empty(), off.expectedOwner("b"));
        assertFalse(off.hasNoOwnerFor("b"), "with validation off nothing is missing");
        final BucketOwnerResolver none = new BucketOwnerResolver(false, null, null, null);
        assertEquals(Optional.empty(), none.expectedOwner("b"));
        assertTrue(none.hasNoOwnerFor("b"));
    }
}
