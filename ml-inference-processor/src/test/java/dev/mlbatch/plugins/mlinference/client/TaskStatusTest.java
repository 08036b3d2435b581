package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How OpenAI's and Cohere's job objects, as ML Commons merges them into remote_job, read as a task status. */
class TaskStatusTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aFailedOpenAiBatchSaysWhyFromItsErrorsList() throws Exception {
        final TaskStatus status = TaskStatus.fromTaskDocument("t1", MAPPER.readTree("""
                {"state":"FAILED","remote_job":{"id":"batch_1","status":"failed","metadata":{"job_name":"j","input_uri":"s3://b/in/a.jsonl"},"errors":{"object":"list","data":[
                  {"code":"invalid_json_line","message":"This line is not parseable as valid JSON.","param":null,"line":3},
                  {"code":"duplicate_custom_id","message":"The custom_id for this request is a duplicate.","param":null,"line":5}]}}}"""));
        assertTrue(status.isTerminal());
        assertEquals(Optional.of("failed"), status.providerStatus());
        assertEquals(Optional.of("invalid_json_line: This line is not parseable as valid JSON. (line 3 of s3://b/in/a.jsonl); "
                + "duplicate_custom_id: The custom_id for this request is a duplicate. (line 5 of s3://b/in/a.jsonl)"), status.failureReason());
    }

    @Test
    void aCompletedCohereJobIsSuccessful() throws Exception {
        final TaskStatus status = TaskStatus.fromTaskDocument("t2", MAPPER.readTree("""
                {"state":"COMPLETED","remote_job":{"job_id":"j","name":"mlb-x-a1","status":"complete","output_dataset_id":"ds-o"}}"""));
        assertTrue(status.isSuccessful());
        assertEquals(Optional.of("complete"), status.providerStatus());
        assertEquals(Optional.empty(), status.failureReason());
    }
}
