package dev.mlbatch.expression;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** The event the expression tables run against. */
final class SampleEvents {
    static final String JSON = "{"
            + "\"str\": \"hello world\","
            + "\"num\": 42,"
            + "\"neg\": -5,"
            + "\"big\": 3000000000,"
            + "\"dbl\": 1.5,"
            + "\"price\": 19.99,"
            + "\"flag\": true,"
            + "\"off\": false,"
            + "\"nothing\": null,"
            + "\"list\": [1, 2, 3],"
            + "\"tags\": [\"a\", \"b\"],"
            + "\"map\": {\"k\": [1, 2], \"x\": \"y\"},"
            + "\"content\": [{\"text\": \"first\"}, \"second\"],"
            + "\"nested\": {\"field_a\": \"va\", \"b.c\": \"dot\", \"at@\": \"at\"},"
            + "\"dash-key\": \"dashed\","
            + "\"space key\": \"spaced\","
            + "\"ip\": \"192.168.1.20\","
            + "\"ip6\": \"2001:db8::1\","
            + "\"not_ip\": \"example.com\","
            + "\"ts\": 1700000000000,"
            + "\"iso\": \"2023-11-14T22:13:20Z\","
            + "\"local_time\": \"2023-11-14T10:00:00\","
            + "\"path\": \"/var/log/app.log\","
            + "\"pattern\": \"^h.*d$\","
            + "\"bad_pattern\": \"([\""
            + "}";

    private SampleEvents() {
    }

    static Event sample() {
        final Event event = JacksonEvent.builder()
                .withEventType("event")
                .withData(JSON)
                .withEventMetadataAttributes(Map.of("source", "s3", "count", 7,
                        "object", Map.of("bucket", "b1", "key", "k1")))
                .build();
        event.getMetadata().addTags(List.of("t1", "t2"));
        event.put("dec", new BigDecimal("1.25"));
        event.put("bigint", new BigInteger("99999999999999999999"));
        return event;
    }
}
