package dev.mlbatch.stack.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One received HTTP request, fully read. Header names are lower-case; the path and query are kept
 * exactly as they came on the wire because SigV4 verification needs the raw form.
 */
public record HttpCall(String method, String rawPath, String rawQuery,
                       Map<String, List<String>> headers, byte[] body) {

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The path with percent-escapes decoded (as an application sees it). */
    public String decodedPath() {
        return java.net.URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
