package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The batch jobs the local OpenAI and Cohere stand-ins received for one flow, listed as a user of those APIs lists
 * them ({@code GET /v1/batches}, {@code GET /v1/embed-jobs}, bearer key). A job belongs to the flow when its input
 * object lies under the flow's prefix: ml_inference puts the input's {@code s3://} URI into an OpenAI batch's
 * {@code metadata.input_uri} and names a Cohere job's input dataset after it.
 */
final class HostedApiJobs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String apiKey;
    private final String ownInputs;
    /** Whether each Cohere dataset seen is one of this flow's inputs (a dataset's name never changes). */
    private final Map<String, Boolean> ownDatasets = new ConcurrentHashMap<>();

    HostedApiJobs(final String baseUrl, final String apiKey, final String ownInputs) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.ownInputs = ownInputs;
    }

    ProviderJobs openAiBatches(final Instant since) throws IOException, InterruptedException {
        final List<ProviderJobs.Job> jobs = new ArrayList<>();
        String after = null;
        do {
            final JsonNode page = get("/v1/batches?limit=100" + (after == null ? "" : "&after=" + encode(after)));
            for (final JsonNode batch : page.path("data")) {
                if (batch.path("created_at").asLong() >= since.getEpochSecond() - 1
                        && batch.at("/metadata/input_uri").asText().startsWith(ownInputs)) {
                    jobs.add(new ProviderJobs.Job(batch.at("/metadata/job_name").asText(batch.path("id").asText()),
                            batch.path("status").asText(), firstError(batch)));
                }
            }
            after = page.path("has_more").asBoolean() ? page.path("last_id").asText(null) : null;
        } while (after != null);
        return new ProviderJobs(jobs);
    }

    ProviderJobs cohereEmbedJobs(final Instant since) throws IOException, InterruptedException {
        final List<ProviderJobs.Job> jobs = new ArrayList<>();
        for (final JsonNode job : get("/v1/embed-jobs").path("embed_jobs")) {
            if (!Instant.parse(job.path("created_at").asText()).isBefore(since.minusSeconds(1))
                    && ownDataset(job.path("input_dataset_id").asText())) {
                jobs.add(new ProviderJobs.Job(job.path("name").asText(), job.path("status").asText(), null));
            }
        }
        return new ProviderJobs(jobs);
    }

    private boolean ownDataset(final String datasetId) throws IOException, InterruptedException {
        final Boolean known = ownDatasets.get(datasetId);
        if (known != null) {
            return known;
        }
        final boolean own = get("/v1/datasets/" + encode(datasetId)).at("/dataset/name").asText().startsWith(ownInputs);
        ownDatasets.put(datasetId, own);
        return own;
    }

    private static String firstError(final JsonNode batch) {
        final JsonNode first = batch.at("/errors/data/0/message");
        return first.isMissingNode() || first.isNull() ? null : first.asText();
    }

    private JsonNode get(final String path) throws IOException, InterruptedException {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + baseUrl + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
