package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable record of every unit of work: pending, being submitted, submitted (with its task id),
 * finished. It is an append-only journal of JSON lines, each the full new state of one record, forced to
 * disk before the call it announces is made (so "submitting" is on disk before ML Commons hears of the
 * job). Opening replays the journal (a torn last line from a crash is skipped), then rewrites it compactly
 * and drops finished records older than the retention. One process at a time: a lock file guards it.
 */
public final class JobLedger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobLedger.class);
    private static final int MIN_LINES_BEFORE_COMPACTION = 1000;

    private final Path file;
    private final Duration retention;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Map<String, JobRecord> byWorkKey = new LinkedHashMap<>();
    private final Map<String, String> workKeyByIdentity = new HashMap<>();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel journal;
    private int linesInJournal;

    private JobLedger(final Path file, final Duration retention, final Clock clock) throws IOException {
        this.file = file;
        this.retention = retention;
        this.clock = clock;
        Files.createDirectories(file.toAbsolutePath().getParent());
        lockChannel = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (final OverlappingFileLockException e) {
            acquired = null;
        }
        if (acquired == null) {
            lockChannel.close();
            throw new IllegalStateException("the job ledger " + file.toAbsolutePath()
                    + " is in use by another process or pipeline; give each ml_inference processor its own state_directory");
        }
        lock = acquired;
    }

    public static JobLedger open(final Path file, final Duration retention, final Clock clock) throws IOException {
        final JobLedger ledger = new JobLedger(file, retention, clock);
        try {
            ledger.replay();
            ledger.compact();
        } catch (final IOException | RuntimeException e) {
            ledger.close();
            throw e;
        }
        return ledger;
    }

    public Path file() {
        return file;
    }

    public synchronized Optional<JobRecord> byWorkKey(final String workKey) {
        return Optional.ofNullable(byWorkKey.get(workKey));
    }

    public synchronized Optional<JobRecord> byInput(final InputObject input) {
        final String workKey = workKeyByIdentity.get(input.identity());
        return workKey == null ? Optional.empty() : Optional.ofNullable(byWorkKey.get(workKey));
    }

    public synchronized List<JobRecord> unfinished() {
        return byWorkKey.values().stream().filter(r -> !r.state().isFinished()).toList();
    }

    public synchronized Collection<JobRecord> all() {
        return List.copyOf(byWorkKey.values());
    }

    /** Records the new state durably (written and forced) before returning. */
    public synchronized void save(final JobRecord record) throws IOException {
        final byte[] line = (mapper.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        final ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            journal.write(buffer);
        }
        journal.force(false);
        linesInJournal++;
        index(record);
        if (linesInJournal > Math.max(MIN_LINES_BEFORE_COMPACTION, 4 * byWorkKey.size())) {
            compact();
        }
    }

    private void index(final JobRecord record) {
        byWorkKey.put(record.workKey(), record);
        for (final InputObject input : record.inputs()) {
            workKeyByIdentity.put(input.identity(), record.workKey());
        }
        for (final InputObject source : record.sources()) {
            workKeyByIdentity.put(source.identity(), record.workKey());
        }
    }

    private void replay() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                index(mapper.readValue(line, JobRecord.class));
            } catch (final IOException e) {
                if (i == lines.size() - 1) {
                    LOG.warn("Job ledger {}: ignoring a torn last line (the process stopped while writing it)", file);
                } else {
                    throw new IOException("job ledger " + file + " line " + (i + 1) + " is not a job record: " + e.getMessage(), e);
                }
            }
        }
    }

    private void compact() throws IOException {
        final Instant horizon = clock.instant().minus(retention);
        final List<JobRecord> keep = new ArrayList<>();
        for (final JobRecord record : byWorkKey.values()) {
            if (!record.state().isFinished() || record.updatedAt() == null || record.updatedAt().isAfter(horizon)) {
                keep.add(record);
            }
        }
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (final JobRecord record : keep) {
                final ByteBuffer buffer = ByteBuffer.wrap((mapper.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            out.force(true);
        }
        if (journal != null) {
            journal.close();
        }
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        byWorkKey.clear();
        workKeyByIdentity.clear();
        keep.forEach(this::index);
        journal = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        linesInJournal = keep.size();
    }

    @Override
    public synchronized void close() {
        try {
            if (journal != null) {
                journal.close();
            }
        } catch (final IOException e) {
            LOG.warn("Closing job ledger {}: {}", file, e.getMessage());
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (final IOException e) {
            LOG.warn("Releasing the lock of job ledger {}: {}", file, e.getMessage());
        }
    }
}
