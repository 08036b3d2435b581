package dev.mlbatch.stack.health;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code stack up} stopped waiting for the node: its cluster is red and OpenSearch will not assign the missing
 * primaries by itself. The node is left running, so that the commands of the diagnosis can be run against it.
 */
public final class ClusterStaysRedException extends IOException {

    private final ClusterDiagnosis diagnosis;

    public ClusterStaysRedException(ClusterDiagnosis diagnosis) {
        super(String.join("\n", lines(diagnosis)));
        this.diagnosis = diagnosis;
    }

    public ClusterDiagnosis diagnosis() {
        return diagnosis;
    }

    /** What {@code stack up} prints: the cause, the red indices, the commands, and how to go on. */
    public static List<String> lines(ClusterDiagnosis diagnosis) {
        List<String> lines = new ArrayList<>();
        lines.add("OpenSearch at " + diagnosis.url() + " stays red (" + diagnosis.summary()
                + "); stopped waiting. The node is left running so that you can fix it:");
        diagnosis.advice().forEach(line -> lines.add("  " + line));
        lines.add("  then: ./mlbatch stack up");
        return lines;
    }
}
