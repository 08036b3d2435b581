package org.opensearch.dataprepper.model.event;

import java.util.Arrays;
import java.util.List;

/** Creates {@link EventKey}s, validating them for the actions they will be used for. */
public interface EventKeyFactory {
    EventKey createEventKey(String key, EventAction... forActions);

    default EventKey createEventKey(final String key) {
        return createEventKey(key, EventAction.ALL);
    }

    enum EventAction {
        GET,
        DELETE,
        PUT,
        ALL(GET, DELETE, PUT);

        private final List<EventAction> includedActions;

        EventAction(final EventAction... eventActions) {
            includedActions = Arrays.asList(eventActions);
        }

        boolean isMutableAction() {
            return this != GET;
        }

        Iterable<EventAction> getSupportedActions() {
            return includedActions.isEmpty() ? List.of(this) : includedActions;
        }
    }
}
