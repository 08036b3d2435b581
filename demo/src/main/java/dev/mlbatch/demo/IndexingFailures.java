package dev.mlbatch.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The documents stage 3's {@code opensearch} sink gave up on, read from the stage's log: without a {@code dlq_file}
 * the sink logs each one ({@code document not indexed (no dlq_file): index=… id=… status=… reason=…}) after its
 * retries, e.g. a field that does not fit the index mapping, and releases its event negatively, so the source reads
 * the object again and the same documents fail again. Counted once per id, they are records the flow has accounted
 * for (with the reason) instead of waiting for them until its timeout.
 */
public final class IndexingFailures {

    /** One document the sink could not index, as it logged it. */
    public record Failure(String id, String status, String reason) {
    }

    private static final Pattern LINE = Pattern.compile(
            "document not indexed \\(no dlq_file\\): index=(\\S+) id=(\\S+) status=(\\S+) reason=(.*)$");

    private final String index;
    private final Map<String, Failure> byId = new LinkedHashMap<>();
    private Path log;
    private long offset;

    public IndexingFailures(final String index) {
        this.index = index;
    }

    /** Reads {@code log} from now on (a stage started again writes a new log, or the same one from the start). */
    public synchronized void follow(final Path stageLog) {
        if (!stageLog.equals(log)) {
            log = stageLog;
            offset = 0;
        }
    }

    /** Forgets what was read (the flow starts over). */
    public synchronized void clear() {
        byId.clear();
        log = null;
        offset = 0;
    }

    /** The failures logged so far for this index, one per document id, in the order first seen. */
    public synchronized List<Failure> read() {
        if (log != null && Files.isRegularFile(log)) {
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                if (file.length() < offset) {
                    offset = 0; // the log was started over
                }
                final byte[] tail = new byte[(int) Math.min(Integer.MAX_VALUE - 8, file.length() - offset)];
                file.seek(offset);
                file.readFully(tail);
                final int end = lastLineEnd(tail);
                offset += end;
                parse(new String(tail, 0, end, StandardCharsets.UTF_8));
            } catch (final IOException e) {
                throw new IllegalStateException("cannot read stage log " + log + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(byId.values());
    }

    /** Only whole lines: the stage may be writing the last one. */
    private static int lastLineEnd(final byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    void parse(final String lines) {
        for (final String line : lines.split("\n")) {
            final Matcher m = LINE.matcher(line);
            if (m.find() && m.group(1).equals(index)) {
                byId.putIfAbsent(m.group(2), new Failure(m.group(2), m.group(3), m.group(4).strip()));
            }
        }
    }
}
