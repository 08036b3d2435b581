package dev.mlbatch.plugins.mlinference.batch;

/** How the processor reacts to a failed ML Commons call. */
public enum FailureKind {
    /** 429 or provider quota/throttling: keep the work pending, back off, retry. */
    THROTTLED,
    /** The provider already has a job with this name: the job exists, find its task. */
    DUPLICATE_JOB,
    /** No answer or a 5xx: retry within retry_time_window. */
    TRANSIENT,
    /** Bad request, unknown model, forbidden: retrying cannot help; dead-letter. */
    PERMANENT
}
