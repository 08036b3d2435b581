package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;

import java.time.Clock;

/** Picks who runs the batch jobs: Bedrock itself for a built-in Bedrock model (upstream's direct mode), else ML Commons. */
public final class BatchJobServiceFactory {
    private BatchJobServiceFactory() {
    }

    public static BatchJobService create(final MLProcessorConfig config, final AwsCredentialsSupplier credentialsSupplier,
                                         final ObjectMapper mapper) {
        if (!config.isBuiltInBedrockModel()) {
            return MlCommonsClientFactory.create(config, credentialsSupplier, mapper);
        }
        // As upstream: signed with the processor's credentials (aws.sts_role_arn or the default chain); the job role
        // (aws.job_sts_role_arn) is only handed to Bedrock as roleArn.
        final RequestAuthenticator signer = new SigV4Authenticator(config.getAws().credentials(credentialsSupplier),
                config.getAws().regionId(), SigV4Authenticator.SERVICE_BEDROCK, Clock.systemUTC());
        return new BedrockJobService(config.getBedrockEndpoint(), MlCommonsClientFactory.httpClient(config), signer,
                config.getAws().getJobStsRoleArn(), mapper);
    }
}
