package dev.mlbatch.plugins.mlinference.batch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads an input object before a (paid) job is created for it: a missing object fails at once with a clear
 * reason, and records that can never be embedded ({@link RecordScreen}) are written to {@code rejected_path} with
 * their reasons instead of failing the job of all their neighbours. When an object has such records, the job runs
 * on a copy of its good records under {@code staging_path}. When the object cannot be read (no s3:GetObject
 * permission, S3 unreachable) the job is created on it unchecked: the provider will judge.
 */
public class InputScreener {
    private static final Logger LOG = LoggerFactory.getLogger(InputScreener.class);

    /** The outcome for one object. */
    public sealed interface Result permits Missing, Unchecked, Screened {
    }

    public record Missing(String reason) implements Result {
    }

    public record Unchecked(InputObject input) implements Result {
    }

    /**
     * {@code object}: the object pinned to the ETag read; {@code jobInput}: what the job reads (the object itself,
     * or the copy of its good records; null when no record is good, or there is none); {@code rejectedUri}: where the
     * rejected went (null when none was).
     */
    public record Screened(InputObject object, InputObject jobInput, int records, int rejected, String rejectedUri) implements Result {
    }

    private final InputFiles files;
    private final RecordScreen screen;
    private final AtomicBoolean warned = new AtomicBoolean();

    public InputScreener(final InputFiles files, final RecordScreen screen) {
        this.files = files;
        this.screen = screen;
    }

    public Result screen(final InputObject input) {
        final Optional<InputFiles.Content> content;
        try {
            content = files.read(input);
        } catch (final S3Exception e) {
            warnOnce(input, "HTTP " + e.statusCode() + (e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode()));
            return new Unchecked(input);
        } catch (final SdkException e) {
            warnOnce(input, e.getMessage());
            return new Unchecked(input);
        }
        if (content.isEmpty()) {
            // S3 answers 404 for a missing bucket too; say which is missing, as the fix differs.
            return new Missing(bucketExists(input.bucket()) ? "input object " + input.s3Uri() + " does not exist"
                    : "bucket '" + input.bucket() + "' does not exist (input object " + input.s3Uri() + ")");
        }
        final InputObject object = content.get().object();
        final List<InputRecord> good = new ArrayList<>();
        final List<InputFiles.Rejection> rejections = new ArrayList<>();
        for (final InputRecord record : content.get().records()) {
            final Optional<String> problem = screen.problem(record);
            if (problem.isPresent()) {
                rejections.add(new InputFiles.Rejection(object, record, problem.get()));
            } else {
                good.add(record);
            }
        }
        final int records = content.get().records().size();
        if (records == 0) {
            // A job on an object without records is paid for and gives nothing (Bedrock refuses it outright).
            LOG.warn("{} holds no records (empty, or only blank lines); no job is created for it", object.s3Uri());
            return new Screened(object, null, 0, 0, null);
        }
        if (rejections.isEmpty()) {
            return new Screened(object, object, records, 0, null);
        }
        final String tag = JobNamer.shortHash(object.identity());
        final String rejectedUri;
        final InputObject copy;
        try {
            rejectedUri = files.writeRejected(tag, rejections);
            copy = good.isEmpty() ? null : files.writeStaged(object, tag + "-screened", good);
        } catch (final SdkException e) {
            // The job then runs on the object as it is; if the provider refuses it, the job is split and the bad records isolated.
            LOG.error("{}: {} of {} record(s) cannot be embedded, but writing them to rejected_path / the good ones to staging_path failed ({}); "
                    + "creating the job on the object as it is", object.s3Uri(), rejections.size(), records, e.getMessage());
            return new Unchecked(input);
        }
        LOG.warn("{}: {} of {} record(s) cannot be embedded and were rejected to {} (first: line {}: {})", object.s3Uri(),
                rejections.size(), records, rejectedUri, rejections.get(0).record().line(), rejections.get(0).reason());
        return new Screened(object, copy, records, rejections.size(), rejectedUri);
    }

    private boolean bucketExists(final String bucket) {
        try {
            return files.bucketExists(bucket);
        } catch (final SdkException e) {
            return true;
        }
    }

    private void warnOnce(final InputObject input, final String why) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("Cannot read input objects to check them ({} for {}); creating jobs without the check", why, input.s3Uri());
        }
    }

    /** For configs that turn the check off. */
    public static InputScreener none() {
        return new InputScreener(null, null) {
            @Override
            public Result screen(final InputObject input) {
                return new Unchecked(input);
            }
        };
    }
}
