package dev.mlbatch.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IndexingFailuresTest {
    private static final String FAILED = "02:14:58.991 WARN  [sagemaker-ingest-worker-1] FailedDocumentHandler - opensearch sink"
            + " (pipeline sagemaker-ingest): document not indexed (no dlq_file): index=%s id=%s status=400"
            + " reason=mapper_parsing_exception: failed to parse field [tag_count] of type [integer]\n";

    @TempDir
    Path tmp;

    @Test
    void eachDocumentOfTheFlowsIndexCountsOnceHoweverOftenTheSinkRetriedIt() throws IOException {
        final Path log = tmp.resolve("3-ingest.log");
        Files.writeString(log, "02:14:50.000 INFO  [main] Main - started\n" + FAILED.formatted("docs", "a")
                + FAILED.formatted("other-index", "b") + FAILED.formatted("docs", "a"));
        final IndexingFailures failures = new IndexingFailures("docs");
        failures.follow(log);
        assertEquals(List.of(new IndexingFailures.Failure("a", "400", "mapper_parsing_exception: failed to parse field [tag_count] of type [integer]")),
                failures.read());

        // A line still being written is read once it is whole.
        final String next = FAILED.formatted("docs", "c");
        Files.writeString(log, next.substring(0, 40), StandardOpenOption.APPEND);
        assertEquals(1, failures.read().size());
        Files.writeString(log, next.substring(40), StandardOpenOption.APPEND);
        assertEquals(List.of("a", "c"), failures.read().stream().map(IndexingFailures.Failure::id).toList());

        failures.clear();
        assertEquals(List.of(), failures.read(), "nothing followed after a reset");
    }
}
