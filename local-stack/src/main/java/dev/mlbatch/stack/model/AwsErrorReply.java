package dev.mlbatch.stack.model;

import dev.mlbatch.stack.http.Reply;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Error responses in each provider's wire shape. Both carry {@code x-amzn-ErrorType}, which is how
 * ML Commons recognises throttling.
 */
public final class AwsErrorReply {

    private AwsErrorReply() {
    }

    /** SageMaker (awsJson1_1): {@code {"__type": code, "message": text}}. */
    public static Reply sageMaker(int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("__type", code);
        body.put("message", message);
        Reply r = Reply.json(status, body);
        return new Reply(status, Map.of("Content-Type", "application/x-amz-json-1.1",
                "x-amzn-ErrorType", code + ":http://internal.amazon.com/coral/com.amazon.coral.service/"), r.body());
    }

    /** Bedrock (restJson1): {@code {"message": text}} with the type in the header. */
    public static Reply bedrock(int status, String code, String message) {
        return Reply.json(status, Map.of("message", message))
                .withHeader("x-amzn-ErrorType", code + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
