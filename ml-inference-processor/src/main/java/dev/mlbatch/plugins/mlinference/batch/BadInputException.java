package dev.mlbatch.plugins.mlinference.batch;

/** An event that cannot become a batch job (no bucket, no key, ...); the message says what is wrong. */
public class BadInputException extends Exception {
    public BadInputException(final String message) {
        super(message);
    }
}
