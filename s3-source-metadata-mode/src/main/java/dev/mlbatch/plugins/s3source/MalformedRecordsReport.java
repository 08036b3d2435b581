package dev.mlbatch.plugins.s3source;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Reads the malformed-record report a codec may throw at the end of {@code parse}: an IOException with
 * {@code getMalformedRecords()} (items whose toString says "line N, column C: reason"),
 * {@code getMalformedRecordCount()} and {@code isInputFullyRead()}, as the codecs of module standard-plugins
 * ({@code dev.mlbatch.plugins.codec.MalformedRecordsException}) do. It is matched by those methods, not by type,
 * so this plugin needs no compile dependency on a codec module and still loads where that module is absent.
 */
public final class MalformedRecordsReport {
    private final List<?> malformedRecords;
    private final long malformedRecordCount;
    private final boolean inputFullyRead;

    private MalformedRecordsReport(final List<?> malformedRecords, final long malformedRecordCount, final boolean inputFullyRead) {
        this.malformedRecords = malformedRecords;
        this.malformedRecordCount = malformedRecordCount;
        this.inputFullyRead = inputFullyRead;
    }

    public static Optional<MalformedRecordsReport> from(final Throwable failure) {
        try {
            final Method records = failure.getClass().getMethod("getMalformedRecords");
            final Method count = failure.getClass().getMethod("getMalformedRecordCount");
            final Method fullyRead = failure.getClass().getMethod("isInputFullyRead");
            final Object recordList = records.invoke(failure);
            return Optional.of(new MalformedRecordsReport(
                    recordList instanceof List ? (List<?>) recordList : Collections.emptyList(),
                    ((Number) count.invoke(failure)).longValue(),
                    Boolean.TRUE.equals(fullyRead.invoke(failure))));
        } catch (final ReflectiveOperationException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The first malformed records the codec kept; each one's toString names its line. */
    public List<?> getMalformedRecords() {
        return malformedRecords;
    }

    public long getMalformedRecordCount() {
        return malformedRecordCount;
    }

    /** True when the codec skipped the bad records and delivered every good one up to the end of the input. */
    public boolean isInputFullyRead() {
        return inputFullyRead;
    }
}
