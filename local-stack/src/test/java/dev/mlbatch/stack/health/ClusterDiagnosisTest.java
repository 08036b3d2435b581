package dev.mlbatch.stack.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's answers (shapes as OpenSearch 2.19 gives them) turned into a verdict, a summary and the commands to run. */
class ClusterDiagnosisTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String URL = "http://127.0.0.1:19200";

    @Test
    void greenAndYellowAreHealthyAndNeedNoAdvice() throws Exception {
        ClusterDiagnosis green = ClusterDiagnosis.of(URL, health("green", 0, 0), null, null, Map.of());
        assertEquals(Verdict.OK, green.verdict());
        assertEquals("green, 0 unassigned shards", green.summary());
        assertTrue(green.advice().isEmpty());
        assertFalse(green.staysRed());

        // The shared stack's answer: indices with a replica each, which one node cannot hold.
        ClusterDiagnosis yellow = ClusterDiagnosis.of(URL, json("""
                {"cluster_name":"mlbatch-local","status":"yellow","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,
                 "active_primary_shards":19,"active_shards":19,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":14,
                 "delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0}"""), null, null, Map.of());
        assertEquals(Verdict.OK, yellow.verdict());
        assertEquals("yellow, 14 unassigned shards (replicas: a single node holds none; harmless)", yellow.summary());
        assertTrue(yellow.advice().isEmpty());
    }

    @Test
    void anIndexHeldBackByAnAllocationFilterGetsTheSettingsCommandThatDropsIt() throws Exception {
        ClusterDiagnosis red = ClusterDiagnosis.of(URL, health("red", 1, 0),
                json("[{\"index\":\"red-on-purpose\",\"health\":\"red\",\"pri\":\"1\",\"rep\":\"0\"}]"),
                json("[{\"index\":\"red-on-purpose\",\"shard\":\"0\",\"prirep\":\"p\",\"state\":\"UNASSIGNED\"}]"),
                Map.of("red-on-purpose", filterExplanation("red-on-purpose")));

        assertEquals(Verdict.FAIL, red.verdict());
        assertEquals("red, 1 unassigned shard, red: red-on-purpose", red.summary());
        assertTrue(red.staysRed(), "a decider refuses the only red primary");
        List<String> advice = red.advice();
        assertEquals("red index red-on-purpose: primary shard 0 unassigned (INDEX_CREATED): node does not match index setting "
                + "[index.routing.allocation.require] filters [_name:\"no-such-node\"]", advice.get(0));
        assertEquals("  do: curl -X PUT 'http://127.0.0.1:19200/red-on-purpose/_settings' -H 'content-type: application/json' "
                + "-d '{\"index.routing.allocation.require._name\":null}'   (drops the allocation filter; keeps the documents)", advice.get(1));
        assertEquals("  or: curl -X DELETE 'http://127.0.0.1:19200/red-on-purpose'   (deletes the index and its documents)", advice.get(2));
        assertEquals("  or: ./mlbatch stack reset   (deletes all of this stack's state: indices, models, S3 objects)", advice.get(3));
        assertEquals(4, advice.size());
    }

    @Test
    void aLostPrimaryOfMlCommonsCanOnlyBeDeletedAndThenSetUpAgain() throws Exception {
        JsonNode explain = json("""
                {"index":".plugins-ml-task","shard":0,"primary":true,"current_state":"unassigned",
                 "unassigned_info":{"reason":"CLUSTER_RECOVERED","at":"2026-12-07T12:44:20.118Z","last_allocation_status":"no_valid_shard_copy"},
                 "can_allocate":"no_valid_shard_copy",
                 "allocate_explanation":"cannot allocate because a previous copy of the primary shard existed but can no longer be found on the nodes in the cluster",
                 "node_allocation_decisions":[{"node_id":"OhkbcCHJSOeQavMZPiG4AQ","node_name":"mlbatch-node-1","node_decision":"no","store":{"found":false}}]}""");
        ClusterDiagnosis red = ClusterDiagnosis.of(URL, health("red", 1, 0),
                json("[{\"index\":\".plugins-ml-task\",\"health\":\"red\",\"pri\":\"1\",\"rep\":\"0\"}]"),
                json("[{\"index\":\".plugins-ml-task\",\"shard\":\"0\",\"prirep\":\"p\",\"state\":\"UNASSIGNED\"}]"),
                Map.of(".plugins-ml-task", explain));

        assertTrue(red.staysRed());
        List<String> advice = red.advice();
        assertEquals("red index .plugins-ml-task: primary shard 0 unassigned (CLUSTER_RECOVERED): cannot allocate because a previous "
                + "copy of the primary shard existed but can no longer be found on the nodes in the cluster", advice.get(0));
        assertEquals("  do: curl -X DELETE 'http://127.0.0.1:19200/.plugins-ml-task'   (deletes the index and its documents; "
                + "an ML Commons index: run ./mlbatch setup afterwards)", advice.get(1));
        assertTrue(advice.stream().noneMatch(line -> line.contains("_settings")), advice.toString());
        assertTrue(advice.get(advice.size() - 1).contains("./mlbatch stack reset"));
    }

    @Test
    void aNodeStillRecoveringIsNotGivenUpOn() throws Exception {
        JsonNode fetching = json("""
                {"index":"wordnet","shard":0,"primary":true,"current_state":"unassigned",
                 "unassigned_info":{"reason":"CLUSTER_RECOVERED","last_allocation_status":"fetching_shard_data"},
                 "can_allocate":"awaiting_info",
                 "allocate_explanation":"cannot allocate because information about existing shard data is still being retrieved from some of the nodes"}""");
        JsonNode redIndices = json("[{\"index\":\"wordnet\",\"health\":\"red\"}]");
        JsonNode shards = json("[{\"index\":\"wordnet\",\"shard\":\"0\",\"prirep\":\"p\",\"state\":\"UNASSIGNED\"}]");
        assertFalse(ClusterDiagnosis.of(URL, health("red", 3, 0), redIndices, shards, Map.of("wordnet", fetching)).staysRed(),
                "the allocator is still fetching shard data");

        ClusterDiagnosis initializing = ClusterDiagnosis.of(URL, health("red", 3, 2), redIndices, shards,
                Map.of("wordnet", filterExplanation("wordnet")));
        assertFalse(initializing.staysRed(), "shards are being initialized");
        assertEquals("red, 3 unassigned shards, 2 initializing, red: wordnet", initializing.summary());
        assertTrue(initializing.advice().get(0).startsWith("2 shard(s) are still initializing"), initializing.advice().toString());

        ClusterDiagnosis unexplained = ClusterDiagnosis.of(URL, health("red", 1, 0), redIndices, shards, Map.of());
        assertFalse(unexplained.staysRed(), "without an explanation nothing says the allocator refuses");
        assertEquals("red index wordnet: primary shard 0 unassigned", unexplained.advice().get(0));
    }

    @Test
    void onlyTheExplainedRedIndicesDecideAndTheUnexplainedAreStillNamed() throws Exception {
        JsonNode redIndices = json("[{\"index\":\"b-index\"},{\"index\":\"a-index\"}]");
        JsonNode shards = json("""
                [{"index":"a-index","shard":"1","prirep":"p","state":"UNASSIGNED"},
                 {"index":"a-index","shard":"0","prirep":"p","state":"UNASSIGNED"},
                 {"index":"a-index","shard":"0","prirep":"r","state":"UNASSIGNED"},
                 {"index":"b-index","shard":"0","prirep":"p","state":"UNASSIGNED"}]""");
        ClusterDiagnosis red = ClusterDiagnosis.of(URL, health("red", 4, 0), redIndices, shards,
                Map.of("a-index", filterExplanation("a-index")));
        assertTrue(red.staysRed());
        assertEquals(List.of("a-index", "b-index"), red.redIndices().stream().map(ClusterDiagnosis.RedIndex::name).toList());
        assertEquals(List.of(0, 1), red.redIndices().get(0).unassignedPrimaries(), "primaries only, in order");
        assertTrue(red.advice().contains("red index b-index: primary shard 0 unassigned"), red.advice().toString());
        assertTrue(red.advice().contains("  do: curl -X DELETE 'http://127.0.0.1:19200/b-index'   (deletes the index and its documents)"),
                red.advice().toString());
    }

    @Test
    void aRedHealthWithNoRedIndexLeftSaysToLookAgain() throws Exception {
        ClusterDiagnosis red = ClusterDiagnosis.of(URL, health("red", 1, 0), json("[]"), null, Map.of());
        assertFalse(red.staysRed());
        assertEquals(List.of("no index is red any more (it changed while being read): run ./mlbatch stack status again"), red.advice());
    }

    @Test
    void shellQuotingSurvivesAQuoteInAName() {
        assertEquals("'it'\\''s'", ClusterDiagnosis.quote("it's"));
    }

    static JsonNode health(String status, int unassigned, int initializing) throws Exception {
        return json("{\"cluster_name\":\"mlbatch-local\",\"status\":\"" + status + "\",\"number_of_nodes\":1,\"active_primary_shards\":5,"
                + "\"initializing_shards\":" + initializing + ",\"unassigned_shards\":" + unassigned + ",\"number_of_pending_tasks\":0}");
    }

    static JsonNode filterExplanation(String index) throws Exception {
        return json("""
                {"index":"%s","shard":0,"primary":true,"current_state":"unassigned",
                 "unassigned_info":{"reason":"INDEX_CREATED","at":"2026-12-07T13:02:11.004Z","last_allocation_status":"no"},
                 "can_allocate":"no","allocate_explanation":"cannot allocate because allocation is not permitted to any of the nodes",
                 "node_allocation_decisions":[{"node_id":"OhkbcCHJSOeQavMZPiG4AQ","node_name":"mlbatch-node-1",
                   "transport_address":"127.0.0.1:19300","node_decision":"no","weight_ranking":1,
                   "deciders":[{"decider":"filter","decision":"NO",
                     "explanation":"node does not match index setting [index.routing.allocation.require] filters [_name:\\"no-such-node\\"]"}]}]}"""
                .formatted(index));
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
