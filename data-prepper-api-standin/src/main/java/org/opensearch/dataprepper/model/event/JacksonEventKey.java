package org.opensearch.dataprepper.model.event;

import com.fasterxml.jackson.core.JsonPointer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The one {@link EventKey} implementation: a validated key with its JSON pointer computed once. */
class JacksonEventKey implements EventKey {
    static final int MAX_KEY_LENGTH = 2048;

    private final String key;
    private final String trimmedKey;
    private final Set<EventKeyFactory.EventAction> supportedActions;
    private JsonPointer jsonPointer;
    private List<String> keyPathList;

    JacksonEventKey(final String key, final EventKeyFactory.EventAction... eventActions) {
        this(key, false, eventActions);
    }

    JacksonEventKey(final String key, final boolean lazy, final EventKeyFactory.EventAction... eventActions) {
        this.key = Objects.requireNonNull(key, "Parameter key cannot be null for EventKey.");
        final EventKeyFactory.EventAction[] actions = eventActions.length == 0
                ? new EventKeyFactory.EventAction[]{EventKeyFactory.EventAction.ALL} : eventActions;
        this.supportedActions = EnumSet.noneOf(EventKeyFactory.EventAction.class);
        for (final EventKeyFactory.EventAction action : actions) {
            action.getSupportedActions().forEach(supportedActions::add);
        }
        if (key.isEmpty()) {
            for (final EventKeyFactory.EventAction action : actions) {
                if (action.isMutableAction()) {
                    throw new IllegalArgumentException("Event key cannot be an empty string for " + action + " actions.");
                }
            }
        }
        this.trimmedKey = trimKey(key);
        final boolean onlyDelete = supportedActions.equals(EnumSet.of(EventKeyFactory.EventAction.DELETE));
        if (!onlyDelete && !isValidEventKey(trimmedKey)) {
            throw new IllegalArgumentException("key " + key + " must contain only alphanumeric chars with .-_@/[]$() "
                    + "and spaces, be at most " + MAX_KEY_LENGTH + " characters long, and follow JsonPointer (ie. 'field/to/key')");
        }
        if (!lazy) {
            keyPathList();
            jsonPointer();
        }
    }

    @Override
    public String getKey() {
        return key;
    }

    String getTrimmedKey() {
        return trimmedKey;
    }

    boolean supports(final EventKeyFactory.EventAction action) {
        return supportedActions.contains(action);
    }

    JsonPointer getJsonPointer() {
        return jsonPointer();
    }

    List<String> getKeyPathList() {
        return keyPathList();
    }

    private JsonPointer jsonPointer() {
        if (jsonPointer == null) {
            jsonPointer = JsonPointer.compile(trimmedKey.isEmpty() ? "" : "/" + trimmedKey);
        }
        return jsonPointer;
    }

    private List<String> keyPathList() {
        if (keyPathList == null) {
            if (trimmedKey.isEmpty()) {
                keyPathList = List.of();
            } else {
                final List<String> segments = new ArrayList<>();
                for (final String segment : trimmedKey.split("/", -1)) {
                    segments.add(unescape(segment));
                }
                keyPathList = Collections.unmodifiableList(segments);
            }
        }
        return keyPathList;
    }

    static String unescape(final String segment) {
        return segment.replace("~1", "/").replace("~0", "~");
    }

    static String trimKey(final String key) {
        String trimmed = key.startsWith("/") ? key.substring(1) : key;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    static boolean isValidEventKey(final String key) {
        if (key == null || key.length() > MAX_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (!isValidKeyChar(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static String replaceInvalidCharacters(final String key) {
        final StringBuilder builder = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            final char c = key.charAt(i);
            builder.append(isValidKeyChar(c) ? c : '_');
        }
        return builder.toString();
    }

    private static boolean isValidKeyChar(final char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_' || c == '~' || c == '@' || c == '/' || c == '['
                || c == ']' || c == ' ' || c == '$' || c == '(' || c == ')';
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof JacksonEventKey && ((JacksonEventKey) other).key.equals(key)
                && ((JacksonEventKey) other).supportedActions.equals(supportedActions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, supportedActions);
    }

    @Override
    public String toString() {
        return key;
    }
}
