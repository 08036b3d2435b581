package dev.mlbatch.plugins.s3source;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Progress state saved with each object partition. It names the object version being read (so the store
 * shows what was read) and counts read attempts, which survive give-ups and restarts and set the retry backoff.
 */
public class S3ObjectProgressState {
    @JsonProperty("etag")
    private final String etag;

    @JsonProperty("size")
    private final long size;

    @JsonProperty("last_modified_epoch_millis")
    private final long lastModifiedEpochMillis;

    @JsonProperty("attempts")
    private final int attempts;

    /** Checks of processing_conditions that found the object not ready yet (absent in stores of older versions: 0). */
    @JsonProperty("condition_checks")
    private final int conditionChecks;

    @JsonCreator
    public S3ObjectProgressState(@JsonProperty("etag") final String etag,
                                 @JsonProperty("size") final long size,
                                 @JsonProperty("last_modified_epoch_millis") final long lastModifiedEpochMillis,
                                 @JsonProperty("attempts") final int attempts,
                                 @JsonProperty("condition_checks") final Integer conditionChecks) {
        this.etag = etag;
        this.size = size;
        this.lastModifiedEpochMillis = lastModifiedEpochMillis;
        this.attempts = attempts;
        this.conditionChecks = conditionChecks == null ? 0 : conditionChecks;
    }

    public S3ObjectProgressState(final String etag, final long size, final long lastModifiedEpochMillis, final int attempts) {
        this(etag, size, lastModifiedEpochMillis, attempts, 0);
    }

    static S3ObjectProgressState firstAttempt(final S3ObjectReference object) {
        return new S3ObjectProgressState(object.getEtag(), object.getSize(), object.getLastModified().toEpochMilli(), 1);
    }

    S3ObjectProgressState nextAttempt() {
        return new S3ObjectProgressState(etag, size, lastModifiedEpochMillis, attempts + 1, conditionChecks);
    }

    /** The same state with this many unmet condition checks. */
    S3ObjectProgressState withConditionChecks(final int checks) {
        return new S3ObjectProgressState(etag, size, lastModifiedEpochMillis, attempts, checks);
    }

    public String getEtag() {
        return etag;
    }

    public long getSize() {
        return size;
    }

    public long getLastModifiedEpochMillis() {
        return lastModifiedEpochMillis;
    }

    /** How many times this object version has been taken up for reading, this time included. */
    public int getAttempts() {
        return attempts;
    }

    public int getConditionChecks() {
        return conditionChecks;
    }
}
