package dev.mlbatch.stack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The services JVM's logging config is named by the JVM option StackLauncher passes, and local-stack ships no
 * logback.xml: on the distribution class path a second one makes logback print its status block on every command.
 */
class ServicesLoggingConfigTest {
    private static final String OPTION_PREFIX = "-Dlogback.configurationFile=";

    @Test
    void theServicesOptionNamesAConfigThisModuleShips() {
        assertTrue(StackLauncher.SERVICES_LOGBACK_OPTION.startsWith(OPTION_PREFIX), StackLauncher.SERVICES_LOGBACK_OPTION);
        final String resource = StackLauncher.SERVICES_LOGBACK_OPTION.substring(OPTION_PREFIX.length());
        assertNotNull(StackLauncher.class.getClassLoader().getResource(resource), resource + " on the class path");
    }

    @Test
    void noLogbackXmlIsShipped() {
        assertNull(StackLauncher.class.getClassLoader().getResource("logback.xml"),
                "local-stack must not ship logback.xml (pipeline-runtime's is the distribution's)");
    }
}
