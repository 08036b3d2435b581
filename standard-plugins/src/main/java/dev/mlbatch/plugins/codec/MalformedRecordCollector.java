package dev.mlbatch.plugins.codec;

import java.util.ArrayList;
import java.util.List;

/** Gathers malformed records for the two-argument parse, keeping the first few so memory stays bounded. */
final class MalformedRecordCollector implements MalformedRecordHandler {
    static final int MAX_KEPT = 100;

    private final List<MalformedRecord> kept = new ArrayList<>();
    private long count;

    @Override
    public void onMalformedRecord(final MalformedRecord malformedRecord) {
        count++;
        if (kept.size() < MAX_KEPT) {
            kept.add(malformedRecord);
        }
    }

    boolean isEmpty() {
        return count == 0;
    }

    MalformedRecordsException toException(final boolean inputFullyRead) {
        return new MalformedRecordsException(kept, count, inputFullyRead);
    }
}
