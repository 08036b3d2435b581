package dev.mlbatch.stack.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.ml.OpenSearchHttp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What {@code _cluster/health} says about the node, and for a red cluster which indices are red, why their primary
 * shards are not assigned ({@code _cluster/allocation/explain}), and the commands that make them assignable or get
 * rid of them. {@link #of} only reads answers (unit-testable); {@link #read} asks the node.
 */
public record ClusterDiagnosis(String url, String status, int unassignedShards, int initializingShards,
                               List<RedIndex> redIndices) {

    /** How many red indices are explained one by one (each costs a request). */
    static final int EXPLAINED_INDICES = 10;
    /**
     * {@code can_allocate} values after which OpenSearch will not assign the shard by itself: a decider says no, or
     * no copy of the primary is left. Others ({@code awaiting_info}, {@code throttled}, {@code yes}, ...) pass.
     */
    private static final Set<String> WILL_NOT_ALLOCATE = Set.of("no", "no_valid_shard_copy");
    /** The filter decider's explanation: {@code node does not match index setting [index.routing.allocation.require] filters [_name:"x"]}. */
    private static final Pattern FILTER = Pattern.compile(
            "index setting \\[(index\\.routing\\.allocation\\.(?:require|include|exclude))] filters \\[([^:\\]\"]+):");

    /**
     * A red index: its unassigned primary shards, what the allocator says about the first of them
     * ({@code can_allocate}, why), and the allocation filter setting that blocks it, if that is the cause.
     */
    public record RedIndex(String name, List<Integer> unassignedPrimaries, String canAllocate, String unassignedReason,
                           String why, String blockingFilter) {

        /** ML Commons' own indices: deleting one loses connectors, models or tasks. */
        public boolean mlCommonsIndex() {
            return name.startsWith(".plugins-ml-");
        }
    }

    /**
     * Builds the diagnosis from the node's answers: {@code health} from {@code GET _cluster/health}, {@code redIndices}
     * from {@code GET _cat/indices?health=red&format=json}, {@code shards} from {@code GET _cat/shards?format=json}
     * (at least the red indices' shards; may be null when the cluster is not red), {@code explanations} from
     * {@code POST _cluster/allocation/explain} for one unassigned primary per red index, by index name.
     */
    public static ClusterDiagnosis of(String url, JsonNode health, JsonNode redIndices, JsonNode shards,
                                      Map<String, JsonNode> explanations) {
        Map<String, List<Integer>> unassigned = unassignedPrimaries(shards);
        List<RedIndex> red = new ArrayList<>();
        if (redIndices != null) {
            for (JsonNode index : redIndices) {
                String name = index.path("index").asText();
                JsonNode explain = explanations.get(name);
                red.add(redIndex(name, unassigned.getOrDefault(name, List.of()), explain));
            }
        }
        red.sort(java.util.Comparator.comparing(RedIndex::name));
        return new ClusterDiagnosis(url, health.path("status").asText("unknown"), health.path("unassigned_shards").asInt(),
                health.path("initializing_shards").asInt(), red);
    }

    /** Asks the node at {@code os}: health, and for a red cluster its red indices, their shards and why they are unassigned. */
    public static ClusterDiagnosis read(OpenSearchHttp os) {
        JsonNode health = os.get("/_cluster/health").orThrow("GET " + os.baseUrl() + "/_cluster/health");
        if (!"red".equals(health.path("status").asText())) {
            return of(os.baseUrl(), health, null, null, Map.of());
        }
        JsonNode red = os.get("/_cat/indices?health=red&format=json&h=index,health,pri,rep")
                .orThrow("GET " + os.baseUrl() + "/_cat/indices?health=red");
        List<String> names = new ArrayList<>();
        red.forEach(index -> names.add(index.path("index").asText()));
        if (names.isEmpty()) {
            return of(os.baseUrl(), health, red, null, Map.of());
        }
        String list = names.stream().map(n -> URLEncoder.encode(n, StandardCharsets.UTF_8)).collect(Collectors.joining(","));
        JsonNode shards = os.get("/_cat/shards/" + list + "?format=json&h=index,shard,prirep,state").body();
        Map<String, JsonNode> explanations = new LinkedHashMap<>();
        unassignedPrimaries(shards).entrySet().stream().limit(EXPLAINED_INDICES).forEach(e -> {
            OpenSearchHttp.Answer explain = os.post("/_cluster/allocation/explain",
                    Map.of("index", e.getKey(), "shard", e.getValue().get(0), "primary", true));
            if (explain.ok()) {
                explanations.put(e.getKey(), explain.body());
            }
        });
        return of(os.baseUrl(), health, red, shards, explanations);
    }

    public boolean red() {
        return "red".equals(status);
    }

    public Verdict verdict() {
        return switch (status) {
            case "green", "yellow" -> Verdict.OK;
            default -> Verdict.FAIL;
        };
    }

    /**
     * Red, and it will stay red: no shard is being initialised, and the allocator refuses every red index's primary.
     * Right after a start the primaries are unassigned for a moment too, but then the allocator is still fetching
     * shard data or throttling, not refusing.
     */
    public boolean staysRed() {
        // Beyond EXPLAINED_INDICES the allocator's answer is unknown: the explained ones decide.
        List<RedIndex> explained = redIndices.stream().filter(i -> !"unknown".equals(i.canAllocate())).toList();
        return red() && initializingShards == 0 && !explained.isEmpty()
                && explained.stream().allMatch(i -> WILL_NOT_ALLOCATE.contains(i.canAllocate()));
    }

    /** One line: status, unassigned shards, red indices. */
    public String summary() {
        String shards = unassignedShards + " unassigned shard" + (unassignedShards == 1 ? "" : "s");
        return switch (status) {
            case "green" -> "green, " + shards;
            case "yellow" -> "yellow, " + shards + " (replicas: a single node holds none; harmless)";
            case "red" -> "red, " + shards + (initializingShards > 0 ? ", " + initializingShards + " initializing" : "")
                    + (redIndices.isEmpty() ? "" : ", red: " + redIndices.stream().map(RedIndex::name).collect(Collectors.joining(", ")));
            default -> "status " + status + ", " + shards;
        };
    }

    /** For a red cluster: each red index with its cause and the commands that fix it; nothing otherwise. */
    public List<String> advice() {
        if (!red()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        if (redIndices.isEmpty()) {
            lines.add("no index is red any more (it changed while being read): run ./mlbatch stack status again");
            return lines;
        }
        if (initializingShards > 0) {
            lines.add(initializingShards + " shard(s) are still initializing: the node may still be recovering; wait a minute and look again");
        }
        for (RedIndex index : redIndices) {
            lines.add("red index " + index.name() + ": " + describe(index));
            String indexUrl = url + "/" + URLEncoder.encode(index.name(), StandardCharsets.UTF_8);
            String target = quote(indexUrl);
            if (index.blockingFilter() != null) {
                lines.add("  do: curl -X PUT " + quote(indexUrl + "/_settings") + " -H 'content-type: application/json' -d "
                        + quote("{\"" + index.blockingFilter() + "\":null}") + "   (drops the allocation filter; keeps the documents)");
                lines.add("  or: curl -X DELETE " + target + "   (deletes the index and its documents)");
            } else {
                lines.add("  do: curl -X DELETE " + target + "   (deletes the index and its documents"
                        + (index.mlCommonsIndex() ? "; an ML Commons index: run ./mlbatch setup afterwards" : "") + ")");
            }
        }
        if (redIndices.size() > EXPLAINED_INDICES) {
            lines.add("(only the first " + EXPLAINED_INDICES + " red indices are explained)");
        }
        lines.add("  or: ./mlbatch stack reset   (deletes all of this stack's state: indices, models, S3 objects)");
        return lines;
    }

    private static String describe(RedIndex index) {
        StringBuilder s = new StringBuilder();
        List<Integer> shards = index.unassignedPrimaries();
        s.append(shards.isEmpty() ? "primary shard unassigned"
                : (shards.size() == 1 ? "primary shard " : "primary shards ")
                + shards.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " unassigned");
        if (index.unassignedReason() != null) {
            s.append(" (").append(index.unassignedReason()).append(")");
        }
        if (index.why() != null) {
            s.append(": ").append(index.why());
        }
        return s.toString();
    }

    private static RedIndex redIndex(String name, List<Integer> unassigned, JsonNode explain) {
        if (explain == null) {
            return new RedIndex(name, unassigned, "unknown", null, null, null);
        }
        String canAllocate = explain.path("can_allocate").asText("unknown");
        JsonNode info = explain.path("unassigned_info");
        String reason = info.path("reason").isMissingNode() ? null : info.path("reason").asText();
        String refusal = null;
        for (JsonNode node : explain.path("node_allocation_decisions")) {
            for (JsonNode decider : node.path("deciders")) {
                if ("NO".equals(decider.path("decision").asText())) {
                    refusal = decider.path("explanation").asText();
                    break;
                }
            }
            if (refusal != null) {
                break;
            }
        }
        String why = refusal != null ? refusal : textOrNull(explain.path("allocate_explanation"));
        String details = textOrNull(info.path("details"));
        if (details != null) {
            why = why == null ? details : why + " (" + details + ")";
        }
        String filter = null;
        if (refusal != null) {
            Matcher m = FILTER.matcher(refusal);
            if (m.find()) {
                filter = m.group(1) + "." + m.group(2);
            }
        }
        return new RedIndex(name, unassigned, canAllocate, reason, why, filter);
    }

    /** Unassigned primary shard numbers by index, from a {@code _cat/shards?format=json} answer. */
    private static Map<String, List<Integer>> unassignedPrimaries(JsonNode shards) {
        Map<String, List<Integer>> byIndex = new TreeMap<>();
        if (shards == null || !shards.isArray()) {
            return byIndex;
        }
        for (JsonNode shard : shards) {
            if ("p".equals(shard.path("prirep").asText()) && "UNASSIGNED".equals(shard.path("state").asText())) {
                byIndex.computeIfAbsent(shard.path("index").asText(), k -> new ArrayList<>()).add(shard.path("shard").asInt());
            }
        }
        byIndex.values().forEach(list -> list.sort(null));
        return byIndex;
    }

    private static String textOrNull(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.asText().isBlank() ? null : node.asText();
    }

    /** Single quotes for a shell. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
