package org.opensearch.dataprepper.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** A structured record flowing through a pipeline, addressed with JSON-pointer keys. */
public interface Event extends Serializable {
    void put(EventKey key, Object value);

    void put(String key, Object value);

    <T> T get(EventKey key, Class<T> clazz);

    <T> T get(String key, Class<T> clazz);

    <T> List<T> getList(EventKey key, Class<T> clazz);

    <T> List<T> getList(String key, Class<T> clazz);

    void delete(EventKey key);

    void delete(String key);

    void clear();

    void merge(Event other);

    String toJsonString();

    JsonNode getJsonNode();

    String getAsJsonString(EventKey key);

    String getAsJsonString(String key);

    EventMetadata getMetadata();

    boolean containsKey(EventKey key);

    boolean containsKey(String key);

    boolean isValueAList(EventKey key);

    boolean isValueAList(String key);

    Map<String, Object> toMap();

    String formatString(String format);

    String formatString(String format, ExpressionEvaluator expressionEvaluator);

    String formatString(String format, ExpressionEvaluator expressionEvaluator, String defaultValue);

    EventHandle getEventHandle();

    /** A builder for this event's JSON, optionally narrowed to a root key and include/exclude keys, with its tags. */
    JsonStringBuilder jsonBuilder();

    /**
     * The options of {@link #jsonBuilder()}. Keys are JSON pointers (the leading "/" optional); include keys win over
     * exclude keys; the tags key, when set, adds the event's tags as an array field.
     */
    abstract class JsonStringBuilder {
        private String tagsKey;
        private String rootKey;
        private List<String> includeKeys;
        private List<String> excludeKeys;

        public JsonStringBuilder includeTags(final String key) {
            this.tagsKey = key;
            return this;
        }

        public JsonStringBuilder rootKey(final String rootKey) {
            this.rootKey = rootKey;
            return this;
        }

        public JsonStringBuilder includeKeys(final List<String> includeKeys) {
            this.includeKeys = includeKeys;
            return this;
        }

        public JsonStringBuilder excludeKeys(final List<String> excludeKeys) {
            this.excludeKeys = excludeKeys;
            return this;
        }

        public String getTagsKey() {
            return tagsKey;
        }

        public String getRootKey() {
            return rootKey;
        }

        public List<String> getIncludeKeys() {
            return includeKeys;
        }

        public List<String> getExcludeKeys() {
            return excludeKeys;
        }

        public abstract String toJsonString();
    }
}
