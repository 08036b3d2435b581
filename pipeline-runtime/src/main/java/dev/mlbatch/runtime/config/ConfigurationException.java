package dev.mlbatch.runtime.config;

/** A configuration problem found before any work starts; its message is one line that says what and where. */
public class ConfigurationException extends RuntimeException {
    private final ConfigLocation location;

    public ConfigurationException(final ConfigLocation location, final String problem) {
        super(location.describe() + ": " + problem);
        this.location = location;
    }

    public ConfigurationException(final ConfigLocation location, final String problem, final Throwable cause) {
        super(location.describe() + ": " + problem, cause);
        this.location = location;
    }

    public ConfigLocation getLocation() {
        return location;
    }
}
