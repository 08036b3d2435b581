package dev.mlbatch.plugins.codec;

import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * An {@link InputCodec} that can tell its caller about each malformed record as it skips it, so a source can log
 * "bucket/key line N" and keep going. Callers that only know {@link InputCodec} get the same information at the
 * end, as a {@link MalformedRecordsException}.
 */
public interface ReportingInputCodec extends InputCodec {

    /**
     * Parses the input, handing good records to {@code eventConsumer} and malformed ones to
     * {@code malformedRecordHandler}, both in input order. Returns normally when the input was read to its end.
     *
     * @throws MalformedRecordsException after reporting a malformed record that makes the rest of the input
     *                                   unreadable ({@code isInputFullyRead()} is then false)
     * @throws IOException               when reading the stream fails
     */
    void parse(InputStream inputStream, Consumer<Record<Event>> eventConsumer,
               MalformedRecordHandler malformedRecordHandler) throws IOException;

    /**
     * The plain {@link InputCodec} contract: good records go to the consumer; if any record was malformed this
     * throws {@link MalformedRecordsException} once parsing is over, listing them.
     */
    @Override
    default void parse(final InputStream inputStream, final Consumer<Record<Event>> eventConsumer) throws IOException {
        final MalformedRecordCollector collector = new MalformedRecordCollector();
        try {
            parse(inputStream, eventConsumer, collector);
        } catch (final MalformedRecordsException stoppedEarly) {
            throw collector.toException(false);
        }
        if (!collector.isEmpty()) {
            throw collector.toException(true);
        }
    }
}
