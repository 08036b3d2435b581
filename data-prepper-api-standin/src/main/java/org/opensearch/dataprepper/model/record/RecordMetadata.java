package org.opensearch.dataprepper.model.record;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

public class RecordMetadata {
    public static final String RECORD_TYPE = "record_type";
    private final Map<String, Object> metadata;

    public RecordMetadata(final Map<String, Object> metadata) {
        this.metadata = new HashMap<>(metadata);
    }

    public static RecordMetadata defaultMetadata() {
        return new RecordMetadata(Map.of(RECORD_TYPE, "unknown"));
    }

    public Object getAsObject(final String key) {
        return metadata.get(key);
    }

    public Map<String, Object> getMetadata() {
        return Collections.unmodifiableMap(metadata);
    }
}
