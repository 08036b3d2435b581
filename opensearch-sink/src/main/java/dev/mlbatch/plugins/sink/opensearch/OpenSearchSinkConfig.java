package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;

import java.net.URI;
import java.util.List;

/** Configuration of the {@code opensearch} sink, with upstream Data Prepper's key names and defaults. */
public class OpenSearchSinkConfig {
    static final long DEFAULT_BULK_SIZE_MIB = 5;
    static final long DEFAULT_FLUSH_TIMEOUT_MS = 60_000;

    @JsonProperty("hosts")
    @NotEmpty(message = "hosts must list at least one OpenSearch URL, e.g. https://localhost:9200")
    private List<String> hosts;

    @JsonProperty("username")
    private String username;

    @JsonProperty("password")
    private String password;

    @JsonProperty("aws")
    @Valid
    private OpenSearchAwsConfig aws;

    @JsonProperty("insecure")
    private boolean insecure = false;

    @JsonProperty("cert")
    private String cert;

    @JsonProperty("connect_timeout")
    @Min(value = 1, message = "connect_timeout is in milliseconds and must be at least 1")
    private Integer connectTimeout;

    @JsonProperty("socket_timeout")
    @Min(value = 1, message = "socket_timeout is in milliseconds and must be at least 1")
    private Integer socketTimeout;

    @JsonProperty("index")
    private String index;

    @JsonProperty("index_type")
    private IndexType indexType;

    @JsonProperty("template_type")
    private TemplateType templateType;

    @JsonProperty("template_file")
    private String templateFile;

    @JsonProperty("template_content")
    private String templateContent;

    @JsonProperty("document_id")
    private String documentId;

    @JsonProperty("routing")
    private String routing;

    @JsonProperty("action")
    private String action = BulkAction.INDEX.getValue();

    @JsonProperty("bulk_size")
    @Min(value = 1, message = "bulk_size is in MiB and must be at least 1")
    private long bulkSize = DEFAULT_BULK_SIZE_MIB;

    @JsonProperty("flush_timeout")
    private long flushTimeout = DEFAULT_FLUSH_TIMEOUT_MS;

    @JsonProperty("max_retries")
    @Min(value = 0, message = "max_retries must be 0 or more")
    private int maxRetries = Integer.MAX_VALUE;

    @JsonProperty("dlq_file")
    private String dlqFile;

    public List<String> getHosts() {
        return hosts;
    }

    public String getUsername() {
        return username;
    }

    public String getPassword() {
        return password;
    }

    public OpenSearchAwsConfig getAws() {
        return aws;
    }

    public boolean isAwsSigv4() {
        return aws != null;
    }

    public boolean isServerless() {
        return aws != null && aws.isServerless();
    }

    public boolean isInsecure() {
        return insecure;
    }

    public String getCert() {
        return cert;
    }

    public Integer getConnectTimeout() {
        return connectTimeout;
    }

    public Integer getSocketTimeout() {
        return socketTimeout;
    }

    public String getIndex() {
        return index;
    }

    /** {@code custom} by default, {@code management_disabled} for serverless collections (as upstream). */
    public IndexType getIndexType() {
        if (indexType != null) {
            return indexType;
        }
        return isServerless() ? IndexType.MANAGEMENT_DISABLED : IndexType.CUSTOM;
    }

    /** {@code v1} by default; serverless collections only know composable templates. */
    public TemplateType getTemplateType() {
        if (isServerless()) {
            return TemplateType.INDEX_TEMPLATE;
        }
        return templateType == null ? TemplateType.V1 : templateType;
    }

    public String getTemplateFile() {
        return templateFile;
    }

    public String getTemplateContent() {
        return templateContent;
    }

    public String getDocumentId() {
        return documentId;
    }

    public String getRouting() {
        return routing;
    }

    public String getAction() {
        return action;
    }

    public long getBulkSizeBytes() {
        return bulkSize * 1024L * 1024L;
    }

    public long getBulkSize() {
        return bulkSize;
    }

    public long getFlushTimeout() {
        return flushTimeout;
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    public String getDlqFile() {
        return dlqFile;
    }

    @AssertTrue(message = "index is required: the index name (it may use date patterns and event fields) to write to")
    boolean isIndexValid() {
        return index != null && !index.isBlank();
    }

    @AssertTrue(message = "username and password must be given together")
    boolean isBasicAuthComplete() {
        return (username == null) == (password == null);
    }

    @AssertTrue(message = "username/password and aws cannot be combined: use basic auth or SigV4, not both")
    boolean isSingleAuthMethod() {
        return username == null || aws == null;
    }

    @AssertTrue(message = "template_file and template_content are mutually exclusive")
    boolean isSingleTemplateSource() {
        return templateFile == null || templateContent == null;
    }

    @AssertTrue(message = "flush_timeout must be -1 (flush at the end of every batch) or a positive number of milliseconds")
    boolean isFlushTimeoutValid() {
        return flushTimeout == -1 || flushTimeout > 0;
    }

    @AssertTrue(message = "action must be one of index, create, update, upsert, delete (or a format taking it from the event)")
    boolean isActionValid() {
        return action != null && (action.contains("${") || BulkAction.fromValue(action).isPresent());
    }

    @AssertTrue(message = "action update, upsert and delete need document_id to address the document")
    boolean isDocumentIdPresentWhenRequired() {
        return BulkAction.fromValue(action).map(a -> !a.requiresDocumentId() || documentId != null).orElse(true);
    }

    @AssertTrue(message = "hosts must be http:// or https:// URLs, e.g. https://localhost:9200")
    boolean isHostsValid() {
        if (hosts == null) {
            return true;
        }
        for (final String host : hosts) {
            try {
                final URI uri = URI.create(host);
                if (uri.getScheme() == null || uri.getHost() == null
                        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    return false;
                }
            } catch (final IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }
}
