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
}
