package dev.mlbatch.plugins.codec;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs a codec over text and keeps what it produced: events (as JSON) and malformed records. */
final class CodecRun {
    final List<Event> events = new ArrayList<>();
    final List<String> json = new ArrayList<>();
    final List<MalformedRecord> malformed = new ArrayList<>();
    MalformedRecordsException thrown;

    static CodecRun withHandler(final ReportingInputCodec codec, final String text) throws IOException {
        final CodecRun run = new CodecRun();
        try {
            codec.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), run::accept, run.malformed::add);
        } catch (final MalformedRecordsException e) {
            run.thrown = e;
        }
        return run;
    }

    /** Raw bytes, for input that is not valid UTF-8. */
    static CodecRun withHandler(final ReportingInputCodec codec, final byte[] bytes) throws IOException {
        final CodecRun run = new CodecRun();
        try {
            codec.parse(new ByteArrayInputStream(bytes), run::accept, run.malformed::add);
        } catch (final MalformedRecordsException e) {
            run.thrown = e;
        }
        return run;
    }

    static CodecRun plain(final ReportingInputCodec codec, final String text) throws IOException {
        final CodecRun run = new CodecRun();
        try {
            codec.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), run::accept);
        } catch (final MalformedRecordsException e) {
            run.thrown = e;
        }
        return run;
    }

    private void accept(final Record<Event> record) {
        events.add(record.getData());
        json.add(record.getData().toJsonString());
    }
}
