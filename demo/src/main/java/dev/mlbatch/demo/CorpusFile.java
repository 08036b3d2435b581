package dev.mlbatch.demo;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A corpus a user brings to {@code mlbatch index}: JSON lines (one object per line) or CSV with a header row
 * ({@code .csv}), read and checked before anything is uploaded. Each good record becomes the line the local
 * pipelines expect: the user's id field as {@code _id}, the text field as {@code text}, every other field kept. Each
 * bad one is a {@link Problem} naming the file and line: not JSON, not an object, no id or text, blank text, a text
 * longer than the provider takes, an id seen on an earlier line. Blank lines are not records.
 */
public final class CorpusFile {

    /** OpenSearch refuses document ids longer than 512 bytes. */
    static final int MAX_ID_BYTES = 512;
    private static final String ID = "_id";
    private static final String TEXT = "text";
    /** Fields the pipelines write themselves: a record's own would be overwritten or taken for the vector. */
    private static final List<String> RESERVED = List.of("text_embedding", "rejection_reason");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** One good record: the line it starts on, its id, and the JSON line to upload. */
    public record Record(long line, String id, byte[] json) {
    }

    /** One bad record, or a file-level fault ({@code line} 0), and why. */
    public record Problem(Path file, long line, String message) {
        @Override
        public String toString() {
            return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
        }
    }

    /** How the user's fields map to the pipelines' {@code _id} and {@code text}. */
    public record Fields(String id, String text) {
        public static final Fields DEFAULT = new Fields(ID, TEXT);
    }

    private final Path file;
    private final List<Record> records;
    private final List<Problem> problems;
    private final long blankLines;
    private final Map<String, Long> lineOfId;

    private CorpusFile(final Path file, final List<Record> records, final List<Problem> problems, final long blankLines,
                       final Map<String, Long> lineOfId) {
        this.file = file;
        this.records = List.copyOf(records);
        this.problems = List.copyOf(problems);
        this.blankLines = blankLines;
        this.lineOfId = Map.copyOf(lineOfId);
    }

    /**
     * Reads and checks {@code file}; CSV when its name ends in {@code .csv}, JSON lines otherwise.
     *
     * @throws NoSuchFileException when there is no such file
     */
    public static CorpusFile read(final Path file, final Fields fields, final Provider provider) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, Files.exists(file) ? "not a regular file" : "no such file");
        }
        final Checker checker = new Checker(file, fields, provider);
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            readCsv(file, checker);
        } else {
            readJsonLines(file, checker);
        }
        return new CorpusFile(file, checker.records, checker.problems, checker.blankLines, checker.lineOfId);
    }

    public Path file() {
        return file;
    }

    /** The good records, in file order. */
    public List<Record> records() {
        return records;
    }

    /** The bad records, in file order. */
    public List<Problem> problems() {
        return problems;
    }

    /** Records in the file: the good and the bad ones (blank lines are not records). */
    public long recordsIn() {
        return records.size() + problems.size();
    }

    public long blankLines() {
        return blankLines;
    }

    /** The line a good record with this {@code _id} came from, to name it when a later stage turns it away. */
    public Long lineOf(final String id) {
        return lineOfId.get(id);
    }

    public List<byte[]> jsonLines() {
        return records.stream().map(Record::json).toList();
    }

    private static void readJsonLines(final Path file, final Checker checker) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            final ByteArrayOutputStream line = new ByteArrayOutputStream();
            long number = 0;
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    checker.jsonLine(++number, line.toByteArray());
                    line.reset();
                } else {
                    line.write(b);
                }
            }
            if (line.size() > 0) {
                checker.jsonLine(++number, line.toByteArray()); // a last line without its line break
            }
        }
    }

    private static void readCsv(final Path file, final Checker checker) throws IOException {
        final CsvMapper csv = new CsvMapper();
        try (MappingIterator<List<String>> rows = csv.readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY)
                .readValues(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            List<String> header = null;
            long headerLine = 0;
            while (true) {
                final long line = rows.getCurrentLocation().getLineNr();
                final List<String> row;
                try {
                    if (!rows.hasNextValue()) {
                        break;
                    }
                    row = rows.nextValue();
                } catch (final IOException | RuntimeException e) {
                    // A CSV syntax error (an unclosed quote) leaves the rest of the file unreadable.
                    checker.problems.add(new Problem(file, Math.max(1, line), "not readable as CSV, nothing read from here on: "
                            + firstLine(e.getMessage())));
                    return;
                }
                final long start = Math.max(1, line);
                if (row.size() == 1 && row.get(0).isBlank()) {
                    checker.blankLines++;
                    continue;
                }
                if (header == null) {
                    header = row;
                    headerLine = start;
                    final String problem = headerProblem(header, checker.fields);
                    if (problem != null) {
                        checker.problems.add(new Problem(file, start, problem));
                        return;
                    }
                    continue;
                }
                if (row.size() != header.size()) {
                    checker.problems.add(new Problem(file, start, row.size() + " columns where the header (line " + headerLine
                            + ") has " + header.size()));
                    continue;
                }
                final ObjectNode record = JSON.createObjectNode();
                for (int i = 0; i < header.size(); i++) {
                    record.put(header.get(i), row.get(i));
                }
                checker.record(start, record);
            }
            if (header == null) {
                checker.problems.add(new Problem(file, 0, "no header row: a CSV file starts with the names of its columns"));
            }
        }
    }

    private static String headerProblem(final List<String> header, final Fields fields) {
        final java.util.Set<String> seen = new java.util.HashSet<>();
        for (final String name : header) {
            if (name.isBlank()) {
                return "header row has an empty column name";
            }
            if (!seen.add(name)) {
                return "header row names column '" + name + "' twice";
            }
        }
        if (!header.contains(fields.id())) {
            return "header row has no id column '" + fields.id() + "' (--id-field); its columns: " + header;
        }
        if (!header.contains(fields.text())) {
            return "header row has no text column '" + fields.text() + "' (--text-field); its columns: " + header;
        }
        return null;
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Checks one record after another and keeps the good ones, mapped, and why each bad one is bad. */
    private static final class Checker {
        private final Path file;
        private final Fields fields;
        private final Provider provider;
        private final List<Record> records = new ArrayList<>();
        private final List<Problem> problems = new ArrayList<>();
        private final Map<String, Long> lineOfId = new HashMap<>();
        private long blankLines;

        Checker(final Path file, final Fields fields, final Provider provider) {
            this.file = file;
            this.fields = fields;
            this.provider = provider;
        }

        void jsonLine(final long number, final byte[] raw) {
            int length = raw.length;
            if (length > 0 && raw[length - 1] == '\r') {
                length--; // CRLF line ends
            }
            final String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw, 0, length)).toString();
            } catch (final CharacterCodingException e) {
                problems.add(new Problem(file, number, "not valid UTF-8"));
                return;
            }
            if (text.isBlank()) {
                blankLines++;
                return;
            }
            final JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (final IOException e) {
                problems.add(new Problem(file, number, "not JSON: " + jsonError(e)));
                return;
            }
            if (!node.isObject()) {
                problems.add(new Problem(file, number, "not a JSON object but " + article(node.getNodeType().toString().toLowerCase(Locale.ROOT))));
                return;
            }
            record(number, (ObjectNode) node);
        }

        void record(final long line, final ObjectNode record) {
            final String problem = problem(record);
            if (problem != null) {
                problems.add(new Problem(file, line, problem));
                return;
            }
            final String id = record.get(fields.id()).asText();
            final Long earlier = lineOfId.putIfAbsent(id, line);
            if (earlier != null) {
                problems.add(new Problem(file, line, "id '" + abbreviate(id) + "' repeats the record on line " + earlier
                        + " (the first one is kept)"));
                return;
            }
            final ObjectNode mapped = JSON.createObjectNode();
            mapped.set(ID, record.get(fields.id()));
            mapped.set(TEXT, record.get(fields.text()));
            record.fields().forEachRemaining(field -> {
                if (!field.getKey().equals(fields.id()) && !field.getKey().equals(fields.text())) {
                    mapped.set(field.getKey(), field.getValue());
                }
            });
            try {
                records.add(new Record(line, id, JSON.writeValueAsBytes(mapped)));
            } catch (final IOException e) {
                throw new IllegalStateException("cannot write a JSON tree back: " + e.getMessage(), e);
            }
        }

        /** Why the record cannot be indexed, or {@code null}. */
        private String problem(final ObjectNode record) {
            final String idName = fields.id();
            final String textName = fields.text();
            final JsonNode id = record.get(idName);
            if (id == null) {
                return "no id field '" + idName + "'" + (idName.equals(ID) ? " (name yours with --id-field)" : "");
            }
            if (!(id.isTextual() || id.isIntegralNumber())) {
                return "id field '" + idName + "' is " + article(id.getNodeType().toString().toLowerCase(Locale.ROOT))
                        + ", not a string or an integer";
            }
            if (id.asText().isEmpty()) {
                return "id field '" + idName + "' is empty";
            }
            if (id.asText().getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
                return "id field '" + idName + "' is longer than " + MAX_ID_BYTES + " bytes (OpenSearch's limit for an id)";
            }
            final JsonNode text = record.get(textName);
            if (text == null) {
                return "no text field '" + textName + "'" + (textName.equals(TEXT) ? " (name yours with --text-field)" : "");
            }
            if (!text.isTextual()) {
                return "text field '" + textName + "' is " + article(text.getNodeType().toString().toLowerCase(Locale.ROOT))
                        + ", not a string";
            }
            if (isBlank(text.asText())) {
                return "text field '" + textName + "' is " + (text.asText().isEmpty() ? "empty" : "blank (only white space)");
            }
            if (text.asText().length() > provider.maxTextCharacters()) {
                return String.format(Locale.ROOT, "text field '%s' has %,d characters, more than the %,d %s takes", textName,
                        text.asText().length(), provider.maxTextCharacters(), provider);
            }
            if (!idName.equals(ID) && record.has(ID)) {
                return "has a field '_id' besides the id field '" + idName + "' (--id-field): the pipelines' _id would replace it";
            }
            if (!textName.equals(TEXT) && record.has(TEXT)) {
                return "has a field 'text' besides the text field '" + textName + "' (--text-field): the pipelines' text would replace it";
            }
            for (final String reserved : RESERVED) {
                if (record.has(reserved)) {
                    return "has a field '" + reserved + "', which the pipelines write themselves";
                }
            }
            for (final String reserved : provider.reservedFields()) {
                // The id and text fields are renamed to _id and text, so they may bear a reserved name (Cohere's id).
                if (record.has(reserved) && !reserved.equals(idName) && !reserved.equals(textName)) {
                    return "has a field '" + reserved + "', which the " + provider + " pipelines write themselves";
                }
            }
            return null;
        }
    }

    /** Blank as stage 1 sees it: only spaces, tabs, line breaks and form feeds. */
    private static boolean isBlank(final String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                return false;
            }
        }
        return true;
    }

    private static String jsonError(final IOException e) {
        final String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return firstLine(message);
    }

    private static String article(final String type) {
        return switch (type) {
            case "array", "object" -> "an " + type;
            case "null" -> "null";
            default -> "a " + type;
        };
    }

    private static String abbreviate(final String s) {
        return s.length() <= 80 ? s : s.substring(0, 79) + "…";
    }

}
