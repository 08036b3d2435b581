package dev.mlbatch.plugins.mlinference.batch;

/** Where a unit of work stands, as the ledger records it. */
public enum JobState {
    /** Known, not yet sent to ML Commons (waiting for a slot, or throttled). */
    PENDING,
    /** About to be (or being) sent; after a crash we must look the job up before sending again. */
    SUBMITTING,
    /** ML Commons has a task for it (task id may be unknown after a duplicate-name answer). */
    SUBMITTED,
    /** The job finished successfully. */
    COMPLETED,
    /** Given up: dead-lettered with its reason. */
    DEAD_LETTERED,
    /**
     * The job failed for a reason no retry of the same input can change (or kept failing); its records went on
     * in derived work (halves, or the good records without the one named as bad) and its bad records were
     * dead-lettered.
     */
    SPLIT;

    public boolean isFinished() {
        return this == COMPLETED || this == DEAD_LETTERED || this == SPLIT;
    }
}
