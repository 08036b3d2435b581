package dev.mlbatch.stack.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Set;

/**
 * Sends a request once more when it failed on the connection rather than in the server. The JDK client reuses
 * keep-alive connections; the JDK server closes one after it idled for 30 s, and on a loaded machine the client can
 * pick that connection just as it closes: {@code Connection reset} or an EOF before any response byte. A request
 * that may safely run twice is then sent again, on a new connection; any other is not (it fails as before).
 * A timeout is not retried: the server may still be working on the request.
 */
public final class StaleConnectionRetry {

    private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

    private StaleConnectionRetry() {
    }

    /** True for methods HTTP defines as idempotent. */
    public static boolean idempotentMethod(String method) {
        return IDEMPOTENT_METHODS.contains(method.toUpperCase(Locale.ROOT));
    }

    /**
     * Sends {@code request}; if it is {@code idempotent} and fails with an I/O error that is not a timeout, sends it
     * once more.
     */
    public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                           boolean idempotent) throws IOException, InterruptedException {
        try {
            return client.send(request, handler);
        } catch (HttpTimeoutException e) {
            throw e;
        } catch (IOException first) {
            if (!idempotent) {
                throw first;
            }
            try {
                return client.send(request, handler);
            } catch (IOException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }
}
