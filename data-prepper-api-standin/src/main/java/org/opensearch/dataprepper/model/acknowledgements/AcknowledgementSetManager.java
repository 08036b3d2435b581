package org.opensearch.dataprepper.model.acknowledgements;

import java.time.Duration;
import java.util.function.Consumer;

public interface AcknowledgementSetManager {
    AcknowledgementSet create(Consumer<Boolean> callback, Duration timeout);

    default AcknowledgementSet create(final Consumer<Boolean> callback, final Duration timeout, final boolean invokeCallbackOnExpiry) {
        return create(callback, timeout);
    }
}
