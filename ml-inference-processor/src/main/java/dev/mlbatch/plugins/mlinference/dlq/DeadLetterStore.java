package dev.mlbatch.plugins.mlinference.dlq;

import java.util.List;

/** Where dead letters are kept durably: the configured S3 DLQ, or else a local file. */
public interface DeadLetterStore extends AutoCloseable {
    /** @return true when the letters are stored durably */
    boolean write(List<DeadLetter> letters);

    /** Where, for log lines. */
    String describe();

    @Override
    void close();
}
