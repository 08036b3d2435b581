package dev.mlbatch.stack.model;

import dev.mlbatch.stack.http.HttpCall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The {@code Authorization: Bearer <key>} check of the OpenAI and Cohere stand-ins (the key is never logged). */
enum BearerToken {
    OK, MISSING, WRONG;

    static BearerToken check(HttpCall call, String expectedKey) {
        String header = call.header("authorization").orElse("").trim();
        if (header.isEmpty()) {
            return MISSING;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return WRONG;
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison, as for any secret.
        return MessageDigest.isEqual(given, expectedKey.getBytes(StandardCharsets.UTF_8)) ? OK : WRONG;
    }
}
