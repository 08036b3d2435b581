package org.opensearch.dataprepper.model.event;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

public class DefaultEventMetadata implements EventMetadata {
    private final String eventType;
    private final Instant timeReceived;
    private Instant externalOriginationTime;
    private final Map<String, Object> attributes;
    private final Set<String> tags;

    private DefaultEventMetadata(final Builder builder) {
        this.eventType = Objects.requireNonNull(builder.eventType, "eventType cannot be null");
        if (eventType.isEmpty()) {
            throw new IllegalArgumentException("eventType cannot be empty");
        }
        this.timeReceived = builder.timeReceived == null ? Instant.now() : builder.timeReceived;
        this.externalOriginationTime = builder.externalOriginationTime;
        this.attributes = builder.attributes == null ? new HashMap<>() : new HashMap<>(builder.attributes);
        this.tags = builder.tags == null ? new LinkedHashSet<>() : new LinkedHashSet<>(builder.tags);
    }

    private DefaultEventMetadata(final EventMetadata other) {
        this.eventType = other.getEventType();
        this.timeReceived = other.getTimeReceived();
        this.externalOriginationTime = other.getExternalOriginationTime();
        this.attributes = new HashMap<>(other.getAttributes());
        this.tags = new LinkedHashSet<>(other.getTags());
    }

    public static EventMetadata fromEventMetadata(final EventMetadata eventMetadata) {
        return new DefaultEventMetadata(eventMetadata);
    }

    @Override
    public String getEventType() {
        return eventType;
    }

    @Override
    public Instant getTimeReceived() {
        return timeReceived;
    }

    @Override
    public Instant getExternalOriginationTime() {
        return externalOriginationTime;
    }

    @Override
    public void setExternalOriginationTime(final Instant externalOriginationTime) {
        this.externalOriginationTime = externalOriginationTime;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return Collections.unmodifiableMap(attributes);
    }

    @Override
    public Object getAttribute(final String key) {
        final String trimmed = key.startsWith("/") ? key.substring(1) : key;
        Object current = attributes;
        for (final String segment : trimmed.split("/")) {
            if (!(current instanceof Map)) {
                return null;
            }
            current = ((Map<?, ?>) current).get(segment);
        }
        return current;
    }

    @Override
    public void setAttribute(final String key, final Object value) {
        attributes.put(key, value);
    }

    @Override
    public Set<String> getTags() {
        return Collections.unmodifiableSet(tags);
    }

    @Override
    public Boolean hasTags(final List<String> tagsList) {
        return tags.containsAll(tagsList);
    }

    @Override
    public void addTags(final List<String> newTags) {
        if (newTags != null) {
            tags.addAll(newTags);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder {
        private String eventType;
        private Instant timeReceived;
        private Instant externalOriginationTime;
        private Map<String, Object> attributes;
        private Set<String> tags;

        public Builder withEventType(final String eventType) {
            this.eventType = eventType;
            return this;
        }

        public Builder withTimeReceived(final Instant timeReceived) {
            this.timeReceived = timeReceived;
            return this;
        }

        public Builder withExternalOriginationTime(final Instant externalOriginationTime) {
            this.externalOriginationTime = externalOriginationTime;
            return this;
        }

        public Builder withAttributes(final Map<String, Object> attributes) {
            this.attributes = attributes;
            return this;
        }

        public Builder withTags(final Set<String> tags) {
            this.tags = tags;
            return this;
        }

        public DefaultEventMetadata build() {
            return new DefaultEventMetadata(this);
        }
    }
}
