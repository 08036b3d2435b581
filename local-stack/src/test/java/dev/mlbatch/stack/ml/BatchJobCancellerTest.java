package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The argument parsing and exit codes of {@code jobs cancel} that need no stack, and how a refusal is worded. */
class BatchJobCancellerTest {

    @Test
    void oneTaskOrAll() {
        assertEquals("qTEDO6IBxDsFiJyqJIaJ", BatchJobCanceller.parse(List.of("qTEDO6IBxDsFiJyqJIaJ")).taskId());
        assertTrue(BatchJobCanceller.parse(List.of("--all")).all());
        // Real ids from the local node: base64url, so they can start with '-'.
        assertEquals("-DdqTqIBLy8FroL6jY9b", BatchJobCanceller.parse(List.of("-DdqTqIBLy8FroL6jY9b")).taskId());
        assertEquals("-x", BatchJobCanceller.parse(List.of("--", "-x")).taskId());
    }

    @Test
    void missingTaskUnknownOptionAndExtraArgumentsAreRefused() {
        assertTrue(assertThrows(BatchJobCanceller.UsageException.class, () -> BatchJobCanceller.parse(List.of()))
                .getMessage().contains("missing TASK"));
        assertTrue(assertThrows(BatchJobCanceller.UsageException.class, () -> BatchJobCanceller.parse(List.of("--force")))
                .getMessage().contains("unknown option --force"));
        assertTrue(assertThrows(BatchJobCanceller.UsageException.class, () -> BatchJobCanceller.parse(List.of("a", "b")))
                .getMessage().contains("a b"));
        assertThrows(BatchJobCanceller.UsageException.class, () -> BatchJobCanceller.parse(List.of("--all", "x")));
    }

    @Test
    void usageErrorsExit64AndAMissingStackExits3(@TempDir Path home) {
        StackHome noStack = new StackHome(home);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(64, StackMain.run(noStack, new String[]{"jobs", "cancel"}, out, errStream));
        assertEquals(64, StackMain.run(noStack, new String[]{"jobs", "cancel", "--bogus"}, out, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(BatchJobCanceller.USAGE), err.toString(StandardCharsets.UTF_8));
        assertEquals(3, StackMain.run(noStack, new String[]{"jobs", "cancel", "some-task"}, out, errStream));
        assertEquals(3, StackMain.run(noStack, new String[]{"jobs", "cancel", "--all"}, out, errStream));
    }

    @Test
    void refusalShowsOpenSearchsReason() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals("Fail to find task", BatchJobCanceller.reason(json.readTree(
                "{\"error\":{\"root_cause\":[{\"type\":\"status_exception\",\"reason\":\"Fail to find task\"}],"
                        + "\"type\":\"status_exception\",\"reason\":\"Fail to find task\"},\"status\":404}")));
        assertEquals("only root cause", BatchJobCanceller.reason(json.readTree(
                "{\"error\":{\"root_cause\":[{\"reason\":\"only root cause\"}]}}")));
        BatchJobCanceller.Outcome refused = new BatchJobCanceller.Outcome("t1", "job-1", "COMPLETED", null, "HTTP 500 x");
        assertEquals("t1  job-1  COMPLETED: cancel refused: HTTP 500 x", refused.line());
        assertEquals("t1  job-1  RUNNING -> CANCELLING",
                new BatchJobCanceller.Outcome("t1", "job-1", "RUNNING", "CANCELLING", null).line());
    }
}
