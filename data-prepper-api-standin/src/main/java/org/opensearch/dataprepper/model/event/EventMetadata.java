package org.opensearch.dataprepper.model.event;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

public interface EventMetadata extends Serializable {
    String getEventType();

    Instant getTimeReceived();

    Instant getExternalOriginationTime();

    void setExternalOriginationTime(Instant externalOriginationTime);

    Map<String, Object> getAttributes();

    Object getAttribute(String key);

    void setAttribute(String key, Object value);

    Set<String> getTags();

    Boolean hasTags(List<String> tags);

    void addTags(List<String> newTags);
}
