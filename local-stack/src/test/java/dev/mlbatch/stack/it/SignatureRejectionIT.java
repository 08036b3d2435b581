package dev.mlbatch.stack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.sigv4.SignedHttpClient;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wrong signatures, unknown keys, stale dates, another region and session tokens the stack did not issue are
 * refused by the model service and the gateway.
 */
@ExtendWith(LocalStackExtension.class)
class SignatureRejectionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESTRICTED = Set.of("host", "content-length");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void modelServiceAcceptsTheRightSignatureAndRefusesWrongOnes(LocalStack stack) throws Exception {
        String url = stack.modelServiceUrl() + "/sagemaker/ListTransformJobs";
        HttpResponse<String> ok = send("POST", url, "{}", "sagemaker", stack.accessKeyId(), stack.secretAccessKey(), Instant.now());
        assertEquals(200, ok.statusCode(), ok.body());

        HttpResponse<String> wrong = send("POST", url, "{}", "sagemaker", stack.accessKeyId(), "wrong-secret", Instant.now());
        assertEquals(403, wrong.statusCode());
        JsonNode body = JSON.readTree(wrong.body());
        assertEquals("InvalidSignatureException", body.path("__type").asText());
        assertTrue(body.path("message").asText().startsWith("The request signature we calculated does not match"));
        assertTrue(wrong.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("InvalidSignatureException"));

        HttpResponse<String> stale = send("POST", url, "{}", "sagemaker", stack.accessKeyId(), stack.secretAccessKey(),
                Instant.now().minus(Duration.ofMinutes(20)));
        assertEquals(403, stale.statusCode());
        assertTrue(JSON.readTree(stale.body()).path("message").asText().startsWith("Signature expired"), stale.body());

        String bedrock = stack.modelServiceUrl() + "/bedrock/model-invocation-jobs";
        HttpResponse<String> unknown = send("GET", bedrock, "", "bedrock", "AKIAUNKNOWNKEY000000", stack.secretAccessKey(), Instant.now());
        assertEquals(403, unknown.statusCode());
        assertEquals("The security token included in the request is invalid.", JSON.readTree(unknown.body()).path("message").asText());
        assertTrue(unknown.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("UnrecognizedClientException"));

        HttpResponse<String> bedrockWrong = send("GET", bedrock, "", "bedrock", stack.accessKeyId(), "wrong-secret", Instant.now());
        assertEquals(403, bedrockWrong.statusCode());
        HttpResponse<String> bedrockOk = send("GET", bedrock, "", "bedrock", stack.accessKeyId(), stack.secretAccessKey(), Instant.now());
        assertEquals(200, bedrockOk.statusCode(), bedrockOk.body());
    }

    @Test
    void gatewayForwardsSignedRequestsAndRefusesWrongOnes(LocalStack stack) throws Exception {
        String url = stack.gatewayUrl() + "/_cluster/health";
        HttpResponse<String> es = send("GET", url, "", "es", stack.accessKeyId(), stack.secretAccessKey(), Instant.now());
        assertEquals(200, es.statusCode(), es.body());
        assertTrue(JSON.readTree(es.body()).has("cluster_name"));
        HttpResponse<String> aoss = send("GET", url, "", "aoss", stack.accessKeyId(), stack.secretAccessKey(), Instant.now());
        assertEquals(200, aoss.statusCode(), aoss.body());

        HttpResponse<String> esWrong = send("GET", url, "", "es", stack.accessKeyId(), "wrong-secret", Instant.now());
        assertEquals(403, esWrong.statusCode());
        assertTrue(JSON.readTree(esWrong.body()).path("message").asText().startsWith("The request signature we calculated"));
        HttpResponse<String> aossWrong = send("GET", url, "", "aoss", stack.accessKeyId(), "wrong-secret", Instant.now());
        assertEquals(403, aossWrong.statusCode());
        assertEquals("Forbidden", JSON.readTree(aossWrong.body()).path("error").path("type").asText());
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode());

        // A signed write goes through to OpenSearch unchanged.
        String index = "/sigv4-gateway-it/_doc/1?refresh=true";
        HttpResponse<String> write = send("PUT", stack.gatewayUrl() + index, "{\"title\":\"signed write\"}", "es",
                stack.accessKeyId(), stack.secretAccessKey(), Instant.now());
        assertTrue(write.statusCode() == 200 || write.statusCode() == 201, write.body());
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(stack.openSearchUrl() + "/sigv4-gateway-it/_doc/1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("signed write", JSON.readTree(read.body()).path("_source").path("title").asText());
    }

    @Test
    void anotherRegionAndAMadeUpSessionTokenAreRefusedByBoth(LocalStack stack) throws Exception {
        SignedHttpClient euSageMaker = new SignedHttpClient(stack.accessKeyId(), stack.secretAccessKey(), "eu-west-1", "sagemaker");
        HttpResponse<String> model = euSageMaker.send("POST", stack.modelServiceUrl() + "/sagemaker/ListTransformJobs", "{}");
        assertEquals(403, model.statusCode(), model.body());
        assertTrue(JSON.readTree(model.body()).path("message").asText()
                .startsWith("Credential should be scoped to a valid region, not 'eu-west-1'."), model.body());
        SignedHttpClient euEs = new SignedHttpClient(stack.accessKeyId(), stack.secretAccessKey(), "eu-west-1", "es");
        HttpResponse<String> gateway = euEs.send("GET", stack.gatewayUrl() + "/_cluster/health", null);
        assertEquals(403, gateway.statusCode(), gateway.body());
        assertTrue(JSON.readTree(gateway.body()).path("message").asText().contains("not 'eu-west-1'"), gateway.body());

        for (String[] target : new String[][] {{stack.modelServiceUrl() + "/bedrock/model-invocation-jobs", "bedrock"},
                {stack.gatewayUrl() + "/_cluster/health", "es"}}) {
            SignedHttpClient withToken = new SignedHttpClient(AwsSessionCredentials.create(stack.accessKeyId(),
                    stack.secretAccessKey(), "made-up-token"), stack.region(), target[1]);
            HttpResponse<String> r = withToken.send("GET", target[0], null);
            assertEquals(403, r.statusCode(), target[1] + ": " + r.body());
            assertEquals("The security token included in the request is invalid.", JSON.readTree(r.body()).path("message").asText());
        }
    }

    private HttpResponse<String> send(String method, String url, String body, String service, String key, String secret,
                                      Instant at) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(URI.create(url))
                .putHeader("Content-Type", "application/json");
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(key, secret))
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(url)).method(method,
                bytes.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.request().forEachHeader((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) {
                values.forEach(v -> out.header(name, v));
            }
        });
        return http.send(out.build(), HttpResponse.BodyHandlers.ofString());
    }
}
