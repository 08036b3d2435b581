package org.opensearch.dataprepper.model.plugin;

public class InvalidPluginDefinitionException extends RuntimeException {
    public InvalidPluginDefinitionException(final String message) {
        super(message);
    }

    public InvalidPluginDefinitionException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
