package dev.mlbatch.plugins.mlinference.dlq;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What failed and why: upstream's MLBatchJobFailedDlqData fields ({@code s3Bucket}, {@code s3Key},
 * {@code status}, {@code message}, {@code data} = the event as JSON) plus the job it belonged to and, for one
 * record given up on inside an object, its {@code line} and {@code record}. {@code records} is how many input
 * records the letter stands for, when known (1 for a record; the object's record count for a whole object).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(@JsonProperty("s3Bucket") String s3Bucket,
                         @JsonProperty("s3Key") String s3Key,
                         @JsonProperty("status") int status,
                         @JsonProperty("message") String message,
                         @JsonProperty("data") String data,
                         @JsonProperty("jobName") String jobName,
                         @JsonProperty("taskId") String taskId,
                         @JsonProperty("attempt") Integer attempt,
                         @JsonProperty("line") Integer line,
                         @JsonProperty("record") String record,
                         @JsonProperty("records") Integer records) {
}
