package dev.mlbatch.plugins.mlinference.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.opensearch.dataprepper.model.configuration.PluginModel;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.EventKeyConfiguration;
import org.opensearch.dataprepper.model.event.EventKeyFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ml_inference} options: every upstream key (same names, same defaults unless the README says
 * otherwise) plus ours. Immutable once bound; cross-field rules are the {@code is...Valid} methods, each
 * message names the keys involved.
 */
public class MLProcessorConfig {
    public static final Duration DEFAULT_RETRY_TIME_WINDOW = Duration.ofMinutes(10);
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_JOB_POLL_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BATCH_WAIT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STATE_RETENTION = Duration.ofDays(30);
    /** Bedrock Titan text embeddings take at most 50,000 characters; used for every service unless set. */
    public static final int DEFAULT_MAX_TEXT_LENGTH = 50_000;

    /** Parameter names the processor itself fills per service; `parameters` may not override them. */
    static final Map<ServiceName, Set<String>> RESERVED_PARAMETERS = Map.of(
            ServiceName.SAGEMAKER, Set.of("TransformJobName", "TransformInput", "TransformOutput"),
            ServiceName.BEDROCK, Set.of("jobName", "inputDataConfig", "outputDataConfig"),
            ServiceName.OPENAI, Set.of("input_file_id", "metadata"),
            ServiceName.COHERE, Set.of("dataset_id", "name"));

    @JsonProperty("host")
    @JsonPropertyDescription("OpenSearch URL (http(s)://host[:port]) whose ML Commons runs the jobs. Required, except with a built-in Bedrock model.")
    private String host;

    @JsonProperty("action_type")
    @JsonPropertyDescription("batch_predict creates _batch_predict jobs; predict calls _predict and writes the embeddings into the events. Default batch_predict.")
    private ActionType actionType = ActionType.BATCH_PREDICT;

    @JsonProperty("service_name")
    @JsonPropertyDescription("Provider behind the model: sagemaker (one job per group of objects), bedrock (one job per object), openai or cohere (one job per object, input uploaded and outputs copied by the processor). Default sagemaker.")
    private ServiceName serviceName = ServiceName.SAGEMAKER;

    @JsonProperty("model_id")
    @JsonPropertyDescription("ML Commons id of the remote model; with service_name bedrock also one of the built-in Bedrock model names, whose jobs then go to Bedrock directly. Required.")
    @NotBlank(message = "model_id is required: the ML Commons model id of the remote model")
    private String modelId;

    @JsonProperty("output_path")
    @JsonPropertyDescription("s3://bucket[/prefix] where the jobs' outputs are written. Required for batch_predict.")
    private String outputPath;

    /** Null means "sign when an aws block is given", which is how upstream pipelines (always signed) behave. */
    @JsonProperty("aws_sigv4")
    @JsonPropertyDescription("Whether ML Commons calls are SigV4-signed. Unset: signed when an aws block is given; false: unsigned; true: signed.")
    private Boolean awsSigv4;

    @JsonProperty("aws")
    @JsonPropertyDescription("AWS settings for signing and for the processor's S3 calls: region, the role to assume, or a named AWS configuration of the host.")
    @Valid
    private MlInferenceAwsConfig aws;

    @JsonProperty("input_key")
    @JsonPropertyDescription("Event key holding the S3 object key (batch_predict) or the text to embed (predict, required there). Default: the event's top-level key field.")
    @EventKeyConfiguration(EventKeyFactory.EventAction.GET)
    private EventKey inputKey;

    @JsonProperty("ml_when")
    @JsonPropertyDescription("Condition on the event; events for which it is false pass through untouched. No default (every event).")
    private String mlWhen;

    @JsonProperty("tags_on_failure")
    @JsonPropertyDescription("Tags added to events whose work failed. Default none.")
    private List<String> tagsOnFailure = Collections.emptyList();

    @JsonProperty("max_batch_size")
    @JsonPropertyDescription("SageMaker: input objects per job; predict: texts per _predict call. 1 to 10000, default 100.")
    @Min(value = 1, message = "max_batch_size must be at least 1")
    @Max(value = 10000, message = "max_batch_size must be at most 10000")
    private int maxBatchSize = 100;

    @JsonProperty("retry_time_window")
    @JsonPropertyDescription("How long throttled or unreachable work is retried before it is dead-lettered, as a duration (1s to 7d). Default 10m.")
    @NotNull(message = "retry_time_window must not be null")
    private Duration retryTimeWindow = DEFAULT_RETRY_TIME_WINDOW;

    @JsonProperty("retry_interval")
    @JsonPropertyDescription("Upper bound of the doubling back-off after throttling (1s, 2s, 4s, ...), as a duration (3s to 300s). Default 60s.")
    @NotNull(message = "retry_interval must not be null")
    private Duration retryInterval = DEFAULT_RETRY_INTERVAL;

    @JsonProperty("dlq")
    @JsonPropertyDescription("Dead-letter queue for work given up, only dlq: {s3: {...}}. Without it dead letters are appended to a JSON-lines file under state_directory.")
    private PluginModel dlq;

    @JsonProperty("max_concurrent_jobs")
    @JsonPropertyDescription("At most this many of our jobs outstanding at once; 0 means no limit of our own (ML Commons' own limit still applies). Default 0.")
    @Min(value = 0, message = "max_concurrent_jobs must be 0 (no limit of our own) or more")
    private int maxConcurrentJobs = 0;

    @JsonProperty("track_jobs")
    @JsonPropertyDescription("Hold input events until their job has ended and emit one job event per ended job. Default false.")
    private boolean trackJobs = false;

    @JsonProperty("job_poll_interval")
    @JsonPropertyDescription("How often each outstanding job's ML Commons task is read, as a duration (100ms to 10m). Default 30s.")
    @NotNull(message = "job_poll_interval must not be null")
    private Duration jobPollInterval = DEFAULT_JOB_POLL_INTERVAL;

    @JsonProperty("max_job_attempts")
    @JsonPropertyDescription("Attempts of a job that ended FAILED, EXPIRED or unreachable before it is split to isolate bad records; also the depth of follow-up jobs for partial Bedrock results. 1 to 100, default 3.")
    @Min(value = 1, message = "max_job_attempts must be at least 1")
    @Max(value = 100, message = "max_job_attempts must be at most 100")
    private int maxJobAttempts = 3;

    @JsonProperty("parameters")
    @JsonPropertyDescription("Extra keys merged into the request's parameters object; the keys the processor sets per job are refused. Default none.")
    private Map<String, Object> parameters = Collections.emptyMap();

    @JsonProperty("batch_wait")
    @JsonPropertyDescription("How long a SageMaker group waits for more input objects before its job is created, as a duration (0s to 1h). Default 60s.")
    @NotNull(message = "batch_wait must not be null")
    private Duration batchWait = DEFAULT_BATCH_WAIT;

    @JsonProperty("output_key")
    @JsonPropertyDescription("predict only (required there): the event key each embedding is written to.")
    @EventKeyConfiguration(EventKeyFactory.EventAction.PUT)
    private EventKey outputKey;

    @JsonProperty("input_parameter")
    @JsonPropertyDescription("predict only: the parameters key the texts are sent under. Default input.")
    @NotBlank(message = "input_parameter must not be blank")
    private String inputParameter = "input";

    @JsonProperty("username")
    @JsonPropertyDescription("HTTP basic-auth user for OpenSearch; together with password and only with aws_sigv4: false.")
    private String username;

    @JsonProperty("password")
    @JsonPropertyDescription("HTTP basic-auth password for OpenSearch; together with username. Never logged.")
    private String password;

    @JsonProperty("insecure")
    @JsonPropertyDescription("Skip TLS certificate and host-name checks of the OpenSearch connection. Default false.")
    private boolean insecure = false;

    @JsonProperty("request_timeout")
    @JsonPropertyDescription("Connect and read timeout of each ML Commons call, as a duration (1s to 10m). Default 30s.")
    @NotNull(message = "request_timeout must not be null")
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

    @JsonProperty("state_directory")
    @JsonPropertyDescription("Folder of the job ledger, relative to the working directory. Default data/ml-inference.")
    private String stateDirectory = "data/ml-inference";

    @JsonProperty("state_retention")
    @JsonPropertyDescription("How long finished work stays in the ledger, so replays within it create no job, as a duration (1h to 3650d). Default 30d.")
    @NotNull(message = "state_retention must not be null")
    private Duration stateRetention = DEFAULT_STATE_RETENTION;

    @JsonProperty("s3_endpoint")
    @JsonPropertyDescription("S3-compatible endpoint (path-style) for manifests, input checks and the S3 dead-letter queue. Default: AWS S3 of aws.region.")
    private String s3Endpoint;

    @JsonProperty("check_input_objects")
    @JsonPropertyDescription("Read each new input object before its paid job: a missing object fails at once, records that cannot be embedded go to rejected_path. Default true.")
    private boolean checkInputObjects = true;

    @JsonProperty("record_text_path")
    @JsonPropertyDescription("JSON pointer of the text in each input record. Default /text (SageMaker, Cohere), /modelInput/inputText (Bedrock), /body/input (OpenAI).")
    private String recordTextPath;

    @JsonProperty("max_text_length")
    @JsonPropertyDescription("Texts longer than this many characters are rejected before a job. Default 50000.")
    @Min(value = 1, message = "max_text_length must be at least 1")
    private int maxTextLength = DEFAULT_MAX_TEXT_LENGTH;

    @JsonProperty("staging_path")
    @JsonPropertyDescription("s3:// prefix for input files the processor derives (checked files' good records, halves of refused jobs, follow-ups). Default staging/ beside output_path.")
    private String stagingPath;

    @JsonProperty("rejected_path")
    @JsonPropertyDescription("s3:// prefix where rejected input records are written with their reason. Default rejected/ beside output_path.")
    private String rejectedPath;

    /** ours: OpenAI's / Cohere's own API, for the upload before the job and the outputs after it. */
    @JsonProperty("provider_api")
    @JsonPropertyDescription("OpenAI or Cohere only: the provider's own API (endpoint, api_key, validation_timeout) for the upload before a job and the outputs after it.")
    @Valid
    private ProviderApiOptions providerApi;

    /** ours: Bedrock's endpoint for built-in models (the local stack's model service); default https://bedrock.<region>.amazonaws.com. */
    @JsonProperty("bedrock_endpoint")
    @JsonPropertyDescription("Built-in Bedrock models only: the Bedrock endpoint the jobs are created at. Default https://bedrock.<aws.region>.amazonaws.com.")
    private String bedrockEndpoint;

    public String getHost() {
        return host;
    }

    public ActionType getActionType() {
        return actionType;
    }

    public ServiceName getServiceName() {
        return serviceName;
    }

    public String getModelId() {
        return modelId;
    }

    public String getOutputPath() {
        return outputPath;
    }

    public boolean isSigningEnabled() {
        return awsSigv4 != null ? awsSigv4 : aws != null;
    }

    public MlInferenceAwsConfig getAws() {
        return aws;
    }

    public EventKey getInputKey() {
        return inputKey;
    }

    public String getMlWhen() {
        return mlWhen;
    }

    public List<String> getTagsOnFailure() {
        return tagsOnFailure == null ? Collections.emptyList() : Collections.unmodifiableList(tagsOnFailure);
    }

    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    public Duration getRetryTimeWindow() {
        return retryTimeWindow;
    }

    public Duration getRetryInterval() {
        return retryInterval;
    }

    public PluginModel getDlq() {
        return dlq;
    }

    public int getMaxConcurrentJobs() {
        return maxConcurrentJobs;
    }

    public boolean isTrackJobs() {
        return trackJobs;
    }

    public Duration getJobPollInterval() {
        return jobPollInterval;
    }

    public int getMaxJobAttempts() {
        return maxJobAttempts;
    }

    public Map<String, Object> getParameters() {
        return parameters == null ? Collections.emptyMap() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public Duration getBatchWait() {
        return batchWait;
    }

    public EventKey getOutputKey() {
        return outputKey;
    }

    public String getInputParameter() {
        return inputParameter;
    }

    public String getUsername() {
        return username;
    }

    public String getPassword() {
        return password;
    }

    public boolean isInsecure() {
        return insecure;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public Path getStateDirectory() {
        return Path.of(stateDirectory);
    }

    public Duration getStateRetention() {
        return stateRetention;
    }

    public URI getS3Endpoint() {
        return s3Endpoint == null ? null : URI.create(s3Endpoint);
    }

    public boolean isCheckInputObjects() {
        return checkInputObjects;
    }

    /** JSON pointer of the text inside each input record: /text (SageMaker) or /modelInput/inputText (Bedrock) unless set. */
    public String getRecordTextPath() {
        if (recordTextPath != null) {
            return recordTextPath;
        }
        if (serviceName == ServiceName.OPENAI) {
            return "/body/input";
        }
        return serviceName == ServiceName.BEDROCK ? "/modelInput/inputText" : "/text";
    }

    /**
     * Upstream's direct mode: {@code service_name: bedrock} with a built-in model id. Jobs go to Bedrock itself
     * (CreateModelInvocationJob), not through ML Commons, and {@code host} is not needed.
     */
    public boolean isBuiltInBedrockModel() {
        return serviceName == ServiceName.BEDROCK && BuiltInBedrockModels.isBuiltIn(modelId);
    }

    /** Where built-in Bedrock jobs go: bedrock_endpoint, else Bedrock's regional endpoint. */
    public URI getBedrockEndpoint() {
        if (bedrockEndpoint != null) {
            return URI.create(bedrockEndpoint);
        }
        return URI.create("https://bedrock." + (aws == null || aws.regionId() == null ? "us-east-1" : aws.regionId()) + ".amazonaws.com");
    }

    public ProviderApiOptions getProviderApi() {
        return providerApi;
    }

    public int getMaxTextLength() {
        return maxTextLength;
    }

    /** Where derived input files go; by default a {@code staging/} folder beside output_path's last folder. */
    public String getStagingPath() {
        return stagingPath != null ? stagingPath : besideOutputPath("staging/");
    }

    /** Where rejected records go; by default a {@code rejected/} folder beside output_path's last folder. */
    public String getRejectedPath() {
        return rejectedPath != null ? rejectedPath : besideOutputPath("rejected/");
    }

    private String besideOutputPath(final String folder) {
        if (outputPath == null) {
            return null;
        }
        String path = outputPath;
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        final int bucketEnd = path.indexOf('/', "s3://".length());
        if (bucketEnd < 0) {
            return path + "/" + folder;
        }
        return path.substring(0, path.lastIndexOf('/') + 1) + folder;
    }

    @AssertTrue(message = "record_text_path must be a JSON pointer such as /text or /modelInput/inputText")
    boolean isRecordTextPathValid() {
        return recordTextPath == null || recordTextPath.startsWith("/");
    }

    @AssertTrue(message = "staging_path and rejected_path must be s3:// URIs outside output_path "
            + "(what is under output_path is read as model output)")
    boolean isStagingPathValid() {
        if (actionType == ActionType.PREDICT || outputPath == null) {
            return true;
        }
        for (final String path : new String[]{getStagingPath(), getRejectedPath()}) {
            if (path == null || !path.matches("^s3://[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9](/.*)?$")
                    || withSlash(path).startsWith(withSlash(outputPath))) {
                return false;
            }
        }
        return true;
    }

    private static String withSlash(final String path) {
        return path.endsWith("/") ? path : path + "/";
    }

    @AssertTrue(message = "host must be an http:// or https:// URL of the OpenSearch endpoint, e.g. https://search-domain.us-east-1.es.amazonaws.com "
            + "(not needed with service_name bedrock and a built-in model_id)")
    boolean isHostValid() {
        // A built-in Bedrock model needs no OpenSearch: host may be left out (as upstream), but if given it must be a URL.
        return isHttpUrl(host) || (host == null && isBuiltInBedrockModel() && actionType == ActionType.BATCH_PREDICT);
    }

    @AssertTrue(message = "output_path is required with action_type batch_predict and must be an s3:// URI such as s3://bucket/prefix")
    boolean isOutputPathValid() {
        if (actionType == ActionType.PREDICT && outputPath == null) {
            return true;
        }
        return outputPath != null && outputPath.matches("^s3://[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9](/.*)?$");
    }

    @AssertTrue(message = "aws.region is required when requests are signed (aws_sigv4 true, or an aws block given)")
    boolean isAwsValid() {
        return !isSigningEnabled() || (aws != null && aws.regionId() != null);
    }

    @AssertTrue(message = "username and password go together, and only with aws_sigv4: false (SigV4 and basic auth both use the Authorization header)")
    boolean isBasicAuthValid() {
        if (username == null && password == null) {
            return true;
        }
        return username != null && password != null && !isSigningEnabled();
    }

    @AssertTrue(message = "input_key is required with action_type predict: the event key that holds the text to embed")
    boolean isPredictInputValid() {
        return actionType != ActionType.PREDICT || inputKey != null;
    }

    @AssertTrue(message = "output_key is required with action_type predict: the event key to write the embedding to")
    boolean isPredictOutputValid() {
        return actionType != ActionType.PREDICT || outputKey != null;
    }

    @AssertTrue(message = "retry_interval must be between 3s and 300s")
    boolean isRetryIntervalValid() {
        return retryInterval != null && within(retryInterval, Duration.ofSeconds(3), Duration.ofSeconds(300));
    }

    @AssertTrue(message = "retry_time_window must be between 1s and 7d")
    boolean isRetryTimeWindowValid() {
        return retryTimeWindow != null && within(retryTimeWindow, Duration.ofSeconds(1), Duration.ofDays(7));
    }

    @AssertTrue(message = "job_poll_interval must be between 100ms and 10m")
    boolean isJobPollIntervalValid() {
        return jobPollInterval != null && within(jobPollInterval, Duration.ofMillis(100), Duration.ofMinutes(10));
    }

    @AssertTrue(message = "batch_wait must be between 0s and 1h")
    boolean isBatchWaitValid() {
        return batchWait != null && within(batchWait, Duration.ZERO, Duration.ofHours(1));
    }

    @AssertTrue(message = "request_timeout must be between 1s and 10m")
    boolean isRequestTimeoutValid() {
        return requestTimeout != null && within(requestTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
    }

    @AssertTrue(message = "state_retention must be between 1h and 3650d")
    boolean isStateRetentionValid() {
        return stateRetention != null && within(stateRetention, Duration.ofHours(1), Duration.ofDays(3650));
    }

    @AssertTrue(message = "state_directory must not be blank")
    boolean isStateDirectoryValid() {
        return stateDirectory != null && !stateDirectory.isBlank();
    }

    @AssertTrue(message = "s3_endpoint must be an http:// or https:// URL")
    boolean isS3EndpointValid() {
        return s3Endpoint == null || isHttpUrl(s3Endpoint);
    }

    @AssertTrue(message = "provider_api.api_key is required with service_name openai or cohere (batch_predict): the processor uploads "
            + "each input object to the provider and copies the outputs back to S3 with it")
    boolean isProviderApiValid() {
        if (serviceName == null || !serviceName.isHostedApi() || actionType == ActionType.PREDICT) {
            return true;
        }
        return providerApi != null && providerApi.getApiKey() != null && !providerApi.getApiKey().isBlank();
    }

    @AssertTrue(message = "parameters must not set TransformJobName, TransformInput or TransformOutput (service_name sagemaker), "
            + "jobName, inputDataConfig or outputDataConfig (bedrock), input_file_id or metadata (openai), "
            + "nor dataset_id or name (cohere): the processor sets those per job")
    boolean isParametersValid() {
        if (parameters == null || actionType == ActionType.PREDICT) {
            return parameters == null || !parameters.containsKey(inputParameter);
        }
        return RESERVED_PARAMETERS.getOrDefault(serviceName, Set.of()).stream().noneMatch(parameters::containsKey);
    }

    @AssertTrue(message = "aws.job_sts_role_arn is required when model_id refers to a built-in model (service_name bedrock and model_id "
            + "amazon.titan-embed-text-v2:0, amazon.titan-embed-image-v1 or amazon.nova-2-multimodal-embeddings-v1:0): Bedrock is called "
            + "directly and runs the job with this role (sent as roleArn)")
    boolean isJobStsRoleArnProvidedForBuiltInModel() {
        return !isBuiltInBedrockModel() || actionType == ActionType.PREDICT
                || (aws != null && aws.getJobStsRoleArn() != null && !aws.getJobStsRoleArn().isBlank());
    }

    @AssertTrue(message = "aws_sigv4 must not be false with a built-in Bedrock model_id: Bedrock is called directly and takes SigV4 "
            + "(service bedrock, region aws.region) only")
    boolean isBuiltInModelSigned() {
        return !isBuiltInBedrockModel() || actionType == ActionType.PREDICT || isSigningEnabled();
    }

    @AssertTrue(message = "action_type predict does not take a built-in Bedrock model_id (amazon.titan-embed-text-v2:0, ...): real-time "
            + "embedding goes through ML Commons' _predict; give the ML Commons model id")
    boolean isBuiltInModelBatchOnly() {
        return !isBuiltInBedrockModel() || actionType != ActionType.PREDICT;
    }

    @AssertTrue(message = "bedrock_endpoint must be an http:// or https:// URL, and is only used with service_name bedrock and a built-in model_id")
    boolean isBedrockEndpointValid() {
        return bedrockEndpoint == null || (isHttpUrl(bedrockEndpoint) && isBuiltInBedrockModel());
    }

    @AssertTrue(message = "parameters must not set modelId, roleArn or clientRequestToken with a built-in Bedrock model_id: the processor sets "
            + "them (model_id, aws.job_sts_role_arn, the job name)")
    boolean isBuiltInParametersValid() {
        return !isBuiltInBedrockModel() || parameters == null
                || Set.of("modelId", "roleArn", "clientRequestToken").stream().noneMatch(parameters::containsKey);
    }

    @AssertTrue(message = "dlq must name exactly one DLQ plugin, and only s3 is supported (dlq.s3 with bucket, key_path_prefix, region, sts_role_arn)")
    boolean isDlqValid() {
        return dlq == null || "s3".equals(dlq.getPluginName());
    }

    private static boolean within(final Duration value, final Duration min, final Duration max) {
        return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
    }

    private static boolean isHttpUrl(final String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        try {
            final URI uri = new URI(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getUserInfo() == null;
        } catch (final URISyntaxException e) {
            return false;
        }
    }
}
