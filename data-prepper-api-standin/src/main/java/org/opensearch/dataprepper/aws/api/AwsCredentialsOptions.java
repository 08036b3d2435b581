package org.opensearch.dataprepper.aws.api;

import software.amazon.awssdk.regions.Region;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** How a plugin wants its AWS credentials: region, optional STS role, external id and header overrides. */
public class AwsCredentialsOptions {
    private static final AwsCredentialsOptions DEFAULT_OPTIONS = new AwsCredentialsOptions();
    private static final AwsCredentialsOptions DEFAULT_OPTIONS_WITH_DEFAULT_CREDS =
            AwsCredentialsOptions.builder().withUseDefaultCredentialsProvider(true).build();

    private final String stsRoleArn;
    private final String stsExternalId;
    private final Region region;
    private final Map<String, String> stsHeaderOverrides;
    private final boolean useDefaultCredentialsProvider;

    private AwsCredentialsOptions(final Builder builder) {
        this.stsRoleArn = builder.stsRoleArn;
        this.stsExternalId = builder.stsExternalId;
        this.region = builder.region;
        this.stsHeaderOverrides = builder.stsHeaderOverrides != null ? new HashMap<>(builder.stsHeaderOverrides) : Collections.emptyMap();
        this.useDefaultCredentialsProvider = builder.useDefaultCredentialsProvider;
    }

    private AwsCredentialsOptions() {
        this.stsRoleArn = null;
        this.stsExternalId = null;
        this.region = null;
        this.stsHeaderOverrides = Collections.emptyMap();
        this.useDefaultCredentialsProvider = false;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static AwsCredentialsOptions defaultOptions() {
        return DEFAULT_OPTIONS;
    }

    public static AwsCredentialsOptions defaultOptionsWithDefaultCredentialsProvider() {
        return DEFAULT_OPTIONS_WITH_DEFAULT_CREDS;
    }

    public String getStsRoleArn() {
        return stsRoleArn;
    }

    public String getStsExternalId() {
        return stsExternalId;
    }

    public Region getRegion() {
        return region;
    }

    public Map<String, String> getStsHeaderOverrides() {
        return stsHeaderOverrides;
    }

    public boolean isUseDefaultCredentialsProvider() {
        return useDefaultCredentialsProvider;
    }

    public static class Builder {
        private String stsRoleArn;
        private String stsExternalId;
        private Region region;
        private Map<String, String> stsHeaderOverrides = Collections.emptyMap();
        private boolean useDefaultCredentialsProvider;

        public Builder withStsRoleArn(final String stsRoleArn) {
            this.stsRoleArn = stsRoleArn;
            return this;
        }

        public Builder withStsExternalId(final String stsExternalId) {
            this.stsExternalId = stsExternalId;
            return this;
        }

        public Builder withRegion(final Region region) {
            this.region = region;
            return this;
        }

        public Builder withRegion(final String region) {
            this.region = region == null ? null : Region.of(region);
            return this;
        }

        public Builder withStsHeaderOverrides(final Map<String, String> stsHeaderOverrides) {
            this.stsHeaderOverrides = stsHeaderOverrides;
            return this;
        }

        public Builder withUseDefaultCredentialsProvider(final boolean useDefaultCredentialsProvider) {
            this.useDefaultCredentialsProvider = useDefaultCredentialsProvider;
            return this;
        }

        public AwsCredentialsOptions build() {
            return new AwsCredentialsOptions(this);
        }
    }
}
