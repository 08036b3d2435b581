package dev.mlbatch.plugins.sink.s3;

/** How events' JSON documents become object bytes: what goes before the first event, around each one, and after the last. */
public interface OutputFormat {
    /** The key extension without the dot, e.g. {@code ndjson}. */
    String extension();

    String contentType();

    byte[] header();

    byte[] encode(String eventJson, boolean first);

    byte[] footer();
}
