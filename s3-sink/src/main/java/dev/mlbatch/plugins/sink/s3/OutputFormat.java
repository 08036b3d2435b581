package dev.mlbatch.plugins.sink.s3;

import org.opensearch.dataprepper.model.event.Event;

/** How events become object bytes: what goes before the first event, around each one, and after the last. */
public interface OutputFormat {
    /** The key extension without the dot, e.g. {@code ndjson}. */
    String extension();

    String contentType();

    byte[] header();

    byte[] encode(Event event, boolean first);

    byte[] footer();
}
