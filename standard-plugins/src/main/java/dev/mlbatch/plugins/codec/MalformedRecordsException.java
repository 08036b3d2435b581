package dev.mlbatch.plugins.codec;

import java.io.IOException;
import java.util.List;

/**
 * Thrown by a codec's parse when records could not be read. Every good record before (and, when
 * {@link #isInputFullyRead()} is true, after) the bad ones has already been handed to the consumer, so a caller
 * must not re-read the input to "retry" it: it would deliver those records twice.
 */
public class MalformedRecordsException extends IOException {
    private final List<MalformedRecord> malformedRecords;
    private final long malformedRecordCount;
    private final boolean inputFullyRead;

    public MalformedRecordsException(final List<MalformedRecord> malformedRecords, final long malformedRecordCount,
                                     final boolean inputFullyRead) {
        super(describe(malformedRecords, malformedRecordCount, inputFullyRead));
        this.malformedRecords = List.copyOf(malformedRecords);
        this.malformedRecordCount = malformedRecordCount;
        this.inputFullyRead = inputFullyRead;
    }

    /** The first malformed records (at most {@link MalformedRecordCollector#MAX_KEPT}), in input order. */
    public List<MalformedRecord> getMalformedRecords() {
        return malformedRecords;
    }

    /** How many malformed records were found in all, including those not kept in {@link #getMalformedRecords()}. */
    public long getMalformedRecordCount() {
        return malformedRecordCount;
    }

    /**
     * True when the codec skipped the bad records and read the input to its end; false when the last malformed
     * record made the rest of the input unreadable (e.g. a syntax error inside a JSON array), so records after it
     * were not delivered.
     */
    public boolean isInputFullyRead() {
        return inputFullyRead;
    }

    private static String describe(final List<MalformedRecord> records, final long count, final boolean fullyRead) {
        final StringBuilder message = new StringBuilder()
                .append(count).append(count == 1 ? " malformed record" : " malformed records")
                .append(fullyRead ? " skipped" : "; the input could not be read past the last one");
        final int shown = Math.min(records.size(), 5);
        for (int i = 0; i < shown; i++) {
            message.append(i == 0 ? ": " : "; ").append(records.get(i));
        }
        if (count > shown) {
            message.append("; ...");
        }
        return message.toString();
    }
}
