package org.opensearch.dataprepper.model.event;

/** For plugin unit tests: makes the same keys the runtime's factory makes. Shipped in the test-jar only. */
public class TestEventKeyFactory implements EventKeyFactory {
    private static final TestEventKeyFactory INSTANCE = new TestEventKeyFactory();

    public static EventKeyFactory getTestEventFactory() {
        return INSTANCE;
    }

    @Override
    public EventKey createEventKey(final String key, final EventAction... forActions) {
        return new JacksonEventKey(key, forActions);
    }
}
