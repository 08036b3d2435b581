package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
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
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The durable record of every unit of work: pending, being submitted, submitted (with its task id),
 * finished. It is an append-only journal of JSON lines, each the full new state of one record, forced to
 * disk before the call it announces is made (so "submitting" is on disk before ML Commons hears of the
 * job). Opening replays the journal (each work's latest line is parsed; a torn last line from a crash is skipped),
 * then rewrites it compactly, one line per record, unless it already is, and drops finished records older than the
 * retention. One process at a time: a lock file guards it.
 */
public final class JobLedger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobLedger.class);
    private static final int MIN_LINES_BEFORE_COMPACTION = 1000;
    /** Below this, the latest lines are parsed on the opening thread alone. */
    private static final int PARALLEL_PARSE_MIN_RECORDS = 20_000;

    private final Path file;
    private final Duration retention;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            // Registered after JavaTimeModule, so it reads the instants in its place.
            .registerModule(new SimpleModule("job-ledger-instants").addDeserializer(Instant.class, new UtcInstantDeserializer()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final ObjectReader reader = mapper.readerFor(JobRecord.class);
    private final Map<String, JobRecord> byWorkKey = new LinkedHashMap<>();
    private final Map<String, String> workKeyByIdentity = new HashMap<>();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel journal;
    private int linesInJournal;
    /** What opening found and did, for its log line. */
    private int linesAtOpen;
    private String compactionAtOpen = "; already compact";
    private long scanMillis;
    private long parseMillis;

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
            final long started = System.nanoTime();
            ledger.load();
            if (ledger.linesAtOpen > 0) {
                LOG.info("Job ledger {}: {} records ({} unfinished) from {} lines in {} ms (scan {} ms, parse of the latest lines {} ms{})",
                        file, ledger.byWorkKey.size(), ledger.byWorkKey.values().stream().filter(r -> !r.state().isFinished()).count(),
                        ledger.linesAtOpen, (System.nanoTime() - started) / 1_000_000, ledger.scanMillis, ledger.parseMillis,
                        ledger.compactionAtOpen);
            }
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

    /** The latest line of one work's journal, found by the first pass of {@link #load}. */
    private static final class Latest {
        int line;
        long offset;
        int length;
        /** The line before it for the same work (0: none): its state if the latest turns out to be a torn last line. */
        int previousLine;
        long previousOffset;
        int previousLength;

        Latest(final int line, final long offset, final int length) {
            this.line = line;
            this.offset = offset;
            this.length = length;
        }

        void replacedBy(final int newLine, final long newOffset, final int newLength) {
            previousLine = line;
            previousOffset = offset;
            previousLength = length;
            line = newLine;
            offset = newOffset;
            length = newLength;
        }

        void backToPrevious() {
            line = previousLine;
            offset = previousOffset;
            length = previousLength;
        }
    }

    /**
     * Opens the journal. A first sequential pass over its bytes finds each work's latest line by the {@code work_key}
     * every line starts with (lines that do not are parsed whole), so the lines a later state replaced are never
     * parsed: a run leaves four lines per job, one of which counts. Then the latest lines are parsed, in the order
     * their works first appeared, and (unless the file already is one line per record) copied as they are into the
     * compacted file that replaces the journal, so nothing is serialised again and no copy of them is kept. A corrupt
     * line is an error naming it when it holds a work's latest state (or has no readable work key); a torn last line
     * (the process stopped while writing it) is skipped and its work keeps its previous state. Finished records older
     * than the retention are dropped.
     */
    private void load() throws IOException {
        if (!Files.exists(file)) {
            journal = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return;
        }
        final long started = System.nanoTime();
        final Map<String, Latest> latest = new LinkedHashMap<>();
        final int[] lines = {0, 0}; // non-blank lines, all lines
        final String[] lastKey = {null};
        final long[] lastLine = {0, 0}; // offset, length of the last non-blank line
        final IOException[] unreadable = {null};
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        final boolean compact;
        int dropped = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            forEachLine(in, (number, buf, from, to, offset) -> {
                lines[1] = number;
                if (isBlank(buf, from, to)) {
                    return;
                }
                if (unreadable[0] != null) {
                    throw unreadable[0]; // a line follows it, so it was not torn by a crash
                }
                lines[0]++;
                String workKey = workKeyOf(buf, from, to);
                if (workKey == null) {
                    try {
                        workKey = reader.<JobRecord>readValue(buf, from, to - from).workKey();
                    } catch (final IOException e) {
                        unreadable[0] = notARecord(number, e);
                        lastKey[0] = null;
                        return;
                    }
                }
                final Latest entry = latest.get(workKey);
                if (entry == null) {
                    latest.put(workKey, new Latest(number, offset, to - from));
                } else {
                    entry.replacedBy(number, offset, to - from);
                }
                lastKey[0] = workKey;
                lastLine[0] = offset;
                lastLine[1] = to - from;
            });
            boolean torn = unreadable[0] != null;
            if (!torn && lastKey[0] != null && !parses(in, lastLine[0], (int) lastLine[1])) {
                torn = true;
                final Latest entry = latest.get(lastKey[0]);
                if (entry.previousLine == 0) {
                    latest.remove(lastKey[0]);
                } else {
                    entry.backToPrevious();
                }
            }
            if (torn) {
                LOG.warn("Job ledger {}: ignoring a torn last line (the process stopped while writing it)", file);
            }
            compact = torn || lines[1] != lines[0] || latest.size() != lines[0] || !endsWithNewline(in);
            linesAtOpen = lines[0];
            final long scanned = System.nanoTime();
            scanMillis = (scanned - started) / 1_000_000;

            final Latest[] entries = latest.values().toArray(new Latest[0]);
            final JobRecord[] records = parseLatest(in, entries);
            final Instant horizon = clock.instant().minus(retention);
            final LineWindow window = new LineWindow(in);
            try (LineOutput out = compact ? new LineOutput(temp) : null) {
                for (int i = 0; i < entries.length; i++) {
                    if (!isKept(records[i], horizon)) {
                        dropped++;
                        continue;
                    }
                    index(records[i]);
                    if (out != null) {
                        out.line(window.fetch(entries[i].offset, entries[i].length), window.from(entries[i].offset), entries[i].length);
                    }
                }
                if (out != null) {
                    out.finish();
                }
            }
            parseMillis = (System.nanoTime() - scanned) / 1_000_000;
        }
        if (compact) {
            replaceJournal(temp);
            compactionAtOpen = ", with the compacted copy written as they were read";
        } else {
            journal = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            linesInJournal = byWorkKey.size();
            if (dropped > 0) {
                compact();
                compactionAtOpen = "; compacted without " + dropped + " record(s) past the retention";
            }
        }
    }

    /**
     * The records of the given latest lines, in their order. A large ledger is parsed in parts on the common pool,
     * one per core (up to 8), each through its own read window: at start-up the parse is most of the open's time.
     */
    private JobRecord[] parseLatest(final FileChannel in, final Latest[] entries) throws IOException {
        final JobRecord[] records = new JobRecord[entries.length];
        final int parts = entries.length < PARALLEL_PARSE_MIN_RECORDS ? 1 : Math.min(8, Runtime.getRuntime().availableProcessors());
        final int perPart = (entries.length + parts - 1) / parts;
        final IOException[] failures = new IOException[parts];
        final IntConsumer parsePart = part -> {
            final LineWindow window = new LineWindow(in);
            for (int i = part * perPart; i < Math.min(entries.length, (part + 1) * perPart); i++) {
                final Latest entry = entries[i];
                try {
                    final byte[] buf = window.fetch(entry.offset, entry.length);
                    try {
                        records[i] = reader.readValue(buf, window.from(entry.offset), entry.length);
                    } catch (final IOException e) {
                        failures[part] = notARecord(entry.line, e);
                        return;
                    }
                } catch (final IOException e) {
                    failures[part] = e;
                    return;
                }
            }
        };
        if (parts == 1) {
            parsePart.accept(0);
        } else {
            IntStream.range(0, parts).parallel().forEach(parsePart);
        }
        for (final IOException failure : failures) {
            if (failure != null) {
                throw failure; // the first in the file's work order
            }
        }
        return records;
    }

    private IOException notARecord(final int line, final IOException e) {
        return new IOException("job ledger " + file + " line " + line + " is not a job record: " + e.getMessage(), e);
    }

    private boolean parses(final FileChannel in, final long offset, final int length) throws IOException {
        final ByteBuffer line = ByteBuffer.allocate(length);
        while (line.hasRemaining() && in.read(line, offset + line.position()) >= 0) {
            // read it all
        }
        try {
            reader.readValue(line.array(), 0, line.position());
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    private static final byte[] WORK_KEY_PREFIX = "{\"work_key\":\"".getBytes(StandardCharsets.US_ASCII);

    /** The work key of a line as {@link #save} writes it ({@code {"work_key":"...",}), or null for any other shape. */
    static String workKeyOf(final byte[] buf, final int from, final int to) {
        final int keyFrom = from + WORK_KEY_PREFIX.length;
        if (keyFrom >= to || !Arrays.equals(buf, from, keyFrom, WORK_KEY_PREFIX, 0, WORK_KEY_PREFIX.length)) {
            return null;
        }
        for (int i = keyFrom; i < to; i++) {
            if (buf[i] == '"') {
                return i == keyFrom ? null : new String(buf, keyFrom, i - keyFrom, StandardCharsets.UTF_8);
            }
            if (buf[i] == '\\') {
                return null; // an escaped key: let Jackson read it
            }
        }
        return null;
    }

    private static boolean isBlank(final byte[] buf, final int from, final int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    @FunctionalInterface
    private interface LineVisitor {
        /** {@code buf[from, to)} is line {@code number} (1-based, without its line break), at {@code offset} in the file. */
        void line(int number, byte[] buf, int from, int to, long offset) throws IOException;
    }

    /** Every line of the file from its start, through one reused buffer (grown only for a line longer than it). */
    private static void forEachLine(final FileChannel in, final LineVisitor visitor) throws IOException {
        byte[] buf = new byte[1 << 20];
        int start = 0;
        int end = 0;
        int scan = 0;
        long bufOffset = 0;
        long readAt = 0;
        int number = 0;
        boolean eof = false;
        while (true) {
            int newline = -1;
            for (int i = scan; i < end; i++) {
                if (buf[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline >= 0) {
                final int to = newline > start && buf[newline - 1] == '\r' ? newline - 1 : newline;
                visitor.line(++number, buf, start, to, bufOffset + start);
                start = newline + 1;
                scan = start;
                continue;
            }
            if (eof) {
                if (start < end) {
                    visitor.line(++number, buf, start, end, bufOffset + start);
                }
                return;
            }
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                bufOffset += start;
                end -= start;
                start = 0;
            } else if (end == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            scan = end;
            final int read = in.read(ByteBuffer.wrap(buf, end, buf.length - end), readAt);
            if (read < 0) {
                eof = true;
            } else {
                end += read;
                readAt += read;
            }
        }
    }

    private static boolean endsWithNewline(final FileChannel in) throws IOException {
        final long size = in.size();
        if (size == 0) {
            return true;
        }
        final ByteBuffer last = ByteBuffer.allocate(1);
        in.read(last, size - 1);
        return last.get(0) == '\n';
    }

    private boolean isKept(final JobRecord record, final Instant horizon) {
        return !record.state().isFinished() || record.updatedAt() == null || record.updatedAt().isAfter(horizon);
    }

    private void compact() throws IOException {
        final Instant horizon = clock.instant().minus(retention);
        final List<JobRecord> kept = new ArrayList<>();
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (LineOutput out = new LineOutput(temp)) {
            for (final JobRecord record : byWorkKey.values()) {
                if (isKept(record, horizon)) {
                    kept.add(record);
                    final byte[] line = mapper.writeValueAsBytes(record);
                    out.line(line, 0, line.length);
                }
            }
            out.finish();
        }
        replaceJournal(temp);
        // Rebuilt in the records' order, as the next open would, so an identity named by two records maps to the later one.
        byWorkKey.clear();
        workKeyByIdentity.clear();
        kept.forEach(this::index);
        linesInJournal = kept.size();
    }

    /** The compacted {@code temp} (written and forced) becomes the journal. */
    private void replaceJournal(final Path temp) throws IOException {
        if (journal != null) {
            journal.close();
        }
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        journal = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        linesInJournal = byWorkKey.size();
    }

    /** Lines written to a new file through a 1 MB buffer, then forced. */
    private static final class LineOutput implements AutoCloseable {
        private final FileChannel out;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);

        LineOutput(final Path path) throws IOException {
            out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        void line(final byte[] bytes, final int from, final int length) throws IOException {
            if (buffer.remaining() < length + 1) {
                drain(out, buffer);
            }
            if (buffer.remaining() < length + 1) {
                writeFully(out, ByteBuffer.wrap(bytes, from, length));
            } else {
                buffer.put(bytes, from, length);
            }
            buffer.put((byte) '\n');
        }

        void finish() throws IOException {
            drain(out, buffer);
            out.force(true);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /**
     * Lines read at known offsets through one 64 KB buffer, refilled from a line's offset when the line is not in it:
     * the latest lines, taken in the order their works first appeared, mostly lie in file order.
     */
    private static final class LineWindow {
        private final FileChannel in;
        private byte[] buf = new byte[1 << 16];
        private long start;
        private int size;

        LineWindow(final FileChannel in) {
            this.in = in;
        }

        /** The buffer that holds the line at {@code offset}, from {@link #from}. */
        byte[] fetch(final long offset, final int length) throws IOException {
            if (offset < start || offset + length > start + size) {
                if (length > buf.length) {
                    buf = new byte[length];
                }
                start = offset;
                size = 0;
                final ByteBuffer target = ByteBuffer.wrap(buf);
                while (size < length) {
                    final int read = in.read(target, start + size);
                    if (read < 0) {
                        throw new IOException("the file ended before the line at byte " + offset);
                    }
                    size += read;
                }
            }
            return buf;
        }

        int from(final long offset) {
            return (int) (offset - start);
        }
    }

    private static void drain(final FileChannel out, final ByteBuffer buffer) throws IOException {
        buffer.flip();
        writeFully(out, buffer);
        buffer.clear();
    }

    private static void writeFully(final FileChannel out, final ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /**
     * Reads the instants the ledger writes ({@link Instant#toString()}: {@code 2026-12-07T13:01:38.455052562Z}) by their
     * fixed digit positions: java.time's formatter took two thirds of a record's parse, three or four instants each.
     * Any other shape (an offset, a number, a leap second) goes to Jackson's own deserializer.
     */
    static final class UtcInstantDeserializer extends StdDeserializer<Instant> {
        private static final int[] SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

        UtcInstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(final JsonParser parser, final DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                final Instant instant = parseUtc(parser.getText());
                if (instant != null) {
                    return instant;
                }
            }
            return InstantDeserializer.INSTANT.deserialize(parser, context);
        }

        /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for anything else. */
        static Instant parseUtc(final String text) {
            final int length = text.length();
            if (length < 20 || length == 21 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                    || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                    || (length > 20 && text.charAt(19) != '.')) {
                return null;
            }
            final int year = digits(text, 0, 4);
            final int month = digits(text, 5, 2);
            final int day = digits(text, 8, 2);
            final int hour = digits(text, 11, 2);
            final int minute = digits(text, 14, 2);
            final int second = digits(text, 17, 2);
            final int fraction = length > 20 ? digits(text, 20, length - 21) : 0;
            if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                    || second < 0 || second > 59 || fraction < 0) {
                return null;
            }
            final long epochDay;
            try {
                epochDay = LocalDate.of(year, month, day).toEpochDay();
            } catch (final DateTimeException e) {
                return null;
            }
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second,
                    length > 20 ? (long) fraction * SCALE[length - 21] : 0);
        }

        private static int digits(final String text, final int from, final int count) {
            int value = 0;
            for (int i = from; i < from + count; i++) {
                final char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }
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
