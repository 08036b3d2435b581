package org.opensearch.dataprepper.model.plugin;

public class NoPluginFoundException extends RuntimeException {
    public NoPluginFoundException(final String message) {
        super(message);
    }
}
