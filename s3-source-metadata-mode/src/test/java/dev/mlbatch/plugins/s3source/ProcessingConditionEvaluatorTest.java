package dev.mlbatch.plugins.s3source;

import dev.mlbatch.expression.GrammarExpressionEvaluator;
import dev.mlbatch.plugins.s3source.config.ProcessingCondition;
import dev.mlbatch.plugins.s3source.fixtures.ConfigBinder;
import dev.mlbatch.plugins.common.testing.LocalS3;
import dev.mlbatch.plugins.s3source.fixtures.TestPluginFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ProcessingConditionEvaluator} with the runtime's expression evaluator, against the local S3 server. */
class ProcessingConditionEvaluatorTest {
    private static final String BUCKET = "conditions";
    private static final String COMPLETE = "/processedRecordCount == /totalRecordCount";

    private static LocalS3 s3;
    private static S3Client client;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = LocalS3.startWithoutAuthentication();
        s3.createBucket(BUCKET);
        client = LocalS3.clientFor(s3.endpoint());
    }

    @AfterAll
    static void stopS3() throws Exception {
        client.close();
        s3.close();
    }

    private static ProcessingCondition condition(final String yaml) throws Exception {
        return ConfigBinder.bind(yaml, ProcessingCondition.class);
    }

    private static ProcessingConditionEvaluator evaluator(final ProcessingCondition... conditions) {
        return new ProcessingConditionEvaluator(client, new GrammarExpressionEvaluator(new DefaultEventKeyFactory()),
                new TestPluginFactory(), "p", List.of(conditions));
    }

    private static Optional<ProcessingConditionEvaluator.Unmet> check(final ProcessingCondition condition, final String objectKey) {
        return evaluator(condition).firstUnmet(BUCKET, objectKey, Optional.empty(), List.of(condition));
    }

    @Test
    void the_sentinel_is_looked_for_in_the_objects_own_directory() {
        assertEquals("out/job-1/manifest.json.out", ProcessingConditionEvaluator.sentinelKey("out/job-1/a.jsonl.out", "manifest.json.out"));
        assertEquals("_SUCCESS", ProcessingConditionEvaluator.sentinelKey("top-level.jsonl", "_SUCCESS"));
        assertEquals("a/b/status/done.json", ProcessingConditionEvaluator.sentinelKey("a/b/x", "status/done.json"));
    }

    @Test
    void absent_sentinel_is_not_met_and_names_the_sentinel() throws Exception {
        final Optional<ProcessingConditionEvaluator.Unmet> unmet = check(
                condition("{object_name: manifest.json.out, when: '" + COMPLETE + "'}"), "absent/job/1.out");
        assertTrue(unmet.isPresent());
        assertFalse(unmet.get().isError());
        assertEquals("s3://" + BUCKET + "/absent/job/manifest.json.out", unmet.get().getSentinel());
        assertTrue(unmet.get().getReason().contains("does not exist yet"), unmet.get().getReason());
    }

    @Test
    void when_is_evaluated_on_the_sentinel_parsed_as_a_json_object() throws Exception {
        final ProcessingCondition condition = condition("{object_name: manifest.json.out, when: '" + COMPLETE + "'}");
        s3.put(BUCKET, "json/done/manifest.json.out", "{\"totalRecordCount\": 3, \"processedRecordCount\": 3}");
        s3.put(BUCKET, "json/running/manifest.json.out", "{\"totalRecordCount\": 3, \"processedRecordCount\": 1}");
        assertEquals(Optional.empty(), check(condition, "json/done/1.out"));
        final Optional<ProcessingConditionEvaluator.Unmet> running = check(condition, "json/running/1.out");
        assertTrue(running.isPresent());
        assertFalse(running.get().isError());
        assertTrue(running.get().getReason().contains("does not satisfy when"), running.get().getReason());
    }

    @Test
    void with_a_codec_the_first_record_is_the_context() throws Exception {
        final ProcessingCondition condition = condition("{object_name: status.jsonl, when: '/state == \"done\"', "
                + "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}}");
        s3.put(BUCKET, "codec/a/status.jsonl", "{\"state\": \"done\"}\n{\"state\": \"running\"}\nnot json\n");
        s3.put(BUCKET, "codec/b/status.jsonl", "{\"state\": \"running\"}\n{\"state\": \"done\"}\n");
        s3.put(BUCKET, "codec/c/status.jsonl", "\n");
        assertEquals(Optional.empty(), check(condition, "codec/a/x"), "first record says done; a bad later line does not matter");
        assertFalse(check(condition, "codec/b/x").orElseThrow().isError());
        final ProcessingConditionEvaluator.Unmet empty = check(condition, "codec/c/x").orElseThrow();
        assertFalse(empty.isError());
        assertTrue(empty.getReason().contains("holds no record"), empty.getReason());
    }

    @Test
    void unreadable_or_unevaluable_sentinels_are_errors_that_hold_the_object_back() throws Exception {
        final ProcessingCondition condition = condition("{object_name: manifest.json.out, when: '" + COMPLETE + "'}");
        s3.put(BUCKET, "bad/json/manifest.json.out", "{\"totalRecordCount\": 3, ");
        s3.put(BUCKET, "bad/array/manifest.json.out", "[1, 2]");
        s3.put(BUCKET, "bad/big/manifest.json.out", new byte[ProcessingConditionEvaluator.MAX_SENTINEL_BYTES + 1]);
        for (final String dir : List.of("bad/json/", "bad/array/", "bad/big/")) {
            final ProcessingConditionEvaluator.Unmet unmet = check(condition, dir + "1.out").orElseThrow();
            assertTrue(unmet.isError(), dir + ": " + unmet.getReason());
            assertTrue(unmet.getReason().contains("s3://" + BUCKET + "/" + dir + "manifest.json.out"), unmet.getReason());
        }
        // An expression whose result is not a boolean cannot say "complete".
        s3.put(BUCKET, "bad/number/manifest.json.out", "{\"totalRecordCount\": 3}");
        final ProcessingConditionEvaluator.Unmet notBoolean = check(
                condition("{object_name: manifest.json.out, when: '/totalRecordCount'}"), "bad/number/1.out").orElseThrow();
        assertTrue(notBoolean.isError(), notBoolean.getReason());
        assertTrue(notBoolean.getReason().contains("cannot evaluate when '/totalRecordCount'"), notBoolean.getReason());
    }

    @Test
    void applicable_prefix_limits_a_condition_and_the_first_unmet_condition_is_reported() throws Exception {
        final ProcessingCondition onlyOut = condition("{object_name: manifest.json.out, when: '" + COMPLETE + "', "
                + "applicable_prefix: [prefix/out/]}");
        final ProcessingCondition success = condition("{object_name: _SUCCESS, when: '/ok == true'}");
        s3.put(BUCKET, "prefix/out/_SUCCESS", "{\"ok\": true}");
        s3.put(BUCKET, "prefix/other/_SUCCESS", "{\"ok\": true}");
        final ProcessingConditionEvaluator evaluator = evaluator(onlyOut, success);
        assertEquals(Optional.empty(), evaluator.firstUnmet(BUCKET, "prefix/other/1.out", Optional.empty(), List.of(onlyOut, success)),
                "the manifest condition does not apply outside prefix/out/");
        final ProcessingConditionEvaluator.Unmet unmet = evaluator.firstUnmet(BUCKET, "prefix/out/1.out", Optional.empty(),
                List.of(onlyOut, success)).orElseThrow();
        assertEquals("s3://" + BUCKET + "/prefix/out/manifest.json.out", unmet.getSentinel());
        s3.put(BUCKET, "prefix/out/manifest.json.out", "{\"totalRecordCount\": 1, \"processedRecordCount\": 1}");
        assertEquals(Optional.empty(), evaluator.firstUnmet(BUCKET, "prefix/out/1.out", Optional.empty(), List.of(onlyOut, success)));
    }
}
