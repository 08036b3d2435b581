package dev.mlbatch.runtime;

import org.slf4j.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Values for {@code ${{env:NAME}}}: explicit overrides, then the process environment, then the env file the local
 * stack writes ({@code $MLBATCH_HOME/stack.env}). Endpoints and region from the env file are also handed to the AWS
 * SDK as system properties (only where the real environment does not set them), so plugins reach the local stack;
 * keys never are: they reach plugins through the runtime's credentials supplier ({@link #fileCredentials()}).
 */
public final class EnvironmentValues {
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentValues.class);
    private static final Map<String, String> SDK_SYSTEM_PROPERTIES = Map.of(
            "AWS_ENDPOINT_URL_S3", "aws.endpointUrlS3",
            "AWS_ENDPOINT_URL_STS", "aws.endpointUrlSts",
            "AWS_ENDPOINT_URL", "aws.endpointUrl",
            "AWS_REGION", "aws.region");
    private static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    private static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    private static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

    private final Map<String, String> overrides;
    private final Map<String, String> processEnvironment;
    private final Map<String, String> envFile;

    private EnvironmentValues(final Map<String, String> overrides, final Map<String, String> processEnvironment,
                              final Map<String, String> envFile) {
        this.overrides = overrides;
        this.processEnvironment = processEnvironment;
        this.envFile = envFile;
    }

    public static EnvironmentValues load(final Map<String, String> overrides, final Path envFile) {
        final Map<String, String> fromFile = envFile != null && Files.isRegularFile(envFile) ? readEnvFile(envFile) : Map.of();
        if (!fromFile.isEmpty()) {
            LOG.info("Using values from {}", envFile);
        }
        return of(overrides, System.getenv(), fromFile);
    }

    static EnvironmentValues of(final Map<String, String> overrides, final Map<String, String> processEnvironment,
                                final Map<String, String> envFile) {
        return new EnvironmentValues(Map.copyOf(overrides), Map.copyOf(processEnvironment), Map.copyOf(envFile));
    }

    /** The default env file: $MLBATCH_ENV_FILE, else $MLBATCH_HOME/stack.env, else ./.mlbatch/stack.env. */
    public static Path defaultEnvFile() {
        final String explicit = System.getenv("MLBATCH_ENV_FILE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        final String home = System.getenv("MLBATCH_HOME");
        return (home != null && !home.isBlank() ? Path.of(home) : Path.of(".mlbatch")).resolve("stack.env");
    }

    static Map<String, String> readEnvFile(final Path file) {
        final Map<String, String> values = new LinkedHashMap<>();
        try {
            for (final String raw : Files.readAllLines(file)) {
                final String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                final String assignment = line.startsWith("export ") ? line.substring(7).strip() : line;
                final int equals = assignment.indexOf('=');
                if (equals <= 0) {
                    continue;
                }
                String value = assignment.substring(equals + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                values.put(assignment.substring(0, equals).strip(), value);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read env file " + file, e);
        }
        return values;
    }

    public Optional<String> get(final String name) {
        if (overrides.containsKey(name)) {
            return Optional.of(overrides.get(name));
        }
        if (processEnvironment.containsKey(name)) {
            return Optional.of(processEnvironment.get(name));
        }
        return Optional.ofNullable(envFile.get(name));
    }

    /**
     * Keys that only the overrides or the env file give (the process environment sets no access key): the local
     * stack's. Kept in memory for the credentials supplier, so no system property, thread dump or {@code /list} shows them.
     */
    public Optional<AwsCredentials> fileCredentials() {
        if (processEnvironment.containsKey(ACCESS_KEY_ID)) {
            return Optional.empty();
        }
        final String keyId = fromOverridesOrFile(ACCESS_KEY_ID);
        final String secret = fromOverridesOrFile(SECRET_ACCESS_KEY);
        if (keyId == null || secret == null) {
            return Optional.empty();
        }
        final String token = fromOverridesOrFile(SESSION_TOKEN);
        return Optional.of(token == null ? AwsBasicCredentials.create(keyId, secret) : AwsSessionCredentials.create(keyId, secret, token));
    }

    private String fromOverridesOrFile(final String name) {
        return overrides.containsKey(name) ? overrides.get(name) : envFile.get(name);
    }

    /** Lets the AWS SDK see the endpoints and region that only the overrides or the env file provide. */
    public void exportAwsEndpointsToSdk() {
        SDK_SYSTEM_PROPERTIES.forEach((variable, property) -> {
            if (!processEnvironment.containsKey(variable) && System.getProperty(property) == null) {
                final String value = fromOverridesOrFile(variable);
                if (value != null) {
                    System.setProperty(property, value);
                }
            }
        });
    }
}
