package dev.mlbatch.plugins.sink.opensearch;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request as a local test server received it: method, raw path and query, headers (lower-case names), body. */
record CapturedRequest(String method, String rawPathAndQuery, Map<String, List<String>> headers, byte[] body) {
    String header(final String name) {
        final List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
