package org.opensearch.dataprepper.model.event;

/**
 * The runtime's {@link EventKeyFactory}. It lives in the API's package because {@link JacksonEventKey} is
 * package-private there, as upstream; it is part of the runtime, never of a plugin.
 */
public final class DefaultEventKeyFactory implements EventKeyFactory {
    @Override
    public EventKey createEventKey(final String key, final EventAction... forActions) {
        return new JacksonEventKey(key, forActions);
    }
}
