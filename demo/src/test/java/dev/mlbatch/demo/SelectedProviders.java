package dev.mlbatch.demo;

import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code -De2e.providers=openai,cohere} runs the per-provider integration tests for those providers only. */
final class SelectedProviders {
    private static final String PROPERTY = "e2e.providers";

    private SelectedProviders() {
    }

    static void assumeSelected(final Provider provider) {
        final String only = System.getProperty(PROPERTY, "");
        assumeTrue(only.isBlank() || List.of(only.split(",")).contains(provider.id()),
                "-D" + PROPERTY + "=" + only + " leaves " + provider + " out");
    }
}
