package org.opensearch.dataprepper.model.codec;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/** Turns a byte stream (one S3 object, one file) into events, streaming. */
public interface InputCodec {
    void parse(InputStream inputStream, Consumer<Record<Event>> eventConsumer) throws IOException;
}
