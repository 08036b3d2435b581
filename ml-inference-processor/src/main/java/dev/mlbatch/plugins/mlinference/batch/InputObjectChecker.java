package dev.mlbatch.plugins.mlinference.batch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks with one HEAD request that an input object exists before a (paid) job is created for it, so a
 * missing object fails at once with a clear reason instead of as a failed job. When the check itself
 * cannot be made (no s3:GetObject permission, S3 unreachable) the job is created anyway: the provider
 * will judge.
 */
public class InputObjectChecker {
    private static final Logger LOG = LoggerFactory.getLogger(InputObjectChecker.class);

    private final S3Client s3;
    private final AtomicBoolean warned = new AtomicBoolean();

    public InputObjectChecker(final S3Client s3) {
        this.s3 = s3;
    }

    /** @return why the object cannot be used, if it certainly cannot */
    public Optional<String> problem(final InputObject input) {
        try {
            s3.headObject(r -> r.bucket(input.bucket()).key(input.key()));
            return Optional.empty();
        } catch (final NoSuchKeyException | NoSuchBucketException e) {
            return Optional.of("input object " + input.s3Uri() + " does not exist");
        } catch (final S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.of("input object " + input.s3Uri() + " does not exist");
            }
            warnOnce(input, "HTTP " + e.statusCode() + " " + e.awsErrorDetails().errorCode());
            return Optional.empty();
        } catch (final SdkException e) {
            warnOnce(input, e.getMessage());
            return Optional.empty();
        }
    }

    private void warnOnce(final InputObject input, final String why) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("Cannot check that input objects exist ({} for {}); creating jobs without the check", why, input.s3Uri());
        }
    }

    /** For configs that turn the check off. */
    public static InputObjectChecker none() {
        return new InputObjectChecker(null) {
            @Override
            public Optional<String> problem(final InputObject input) {
                return Optional.empty();
            }
        };
    }
}
