package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The {@code dlq_file}: one JSON line per failed document, shaped like upstream's DLQ objects:
 * {@code {"pluginId","pluginName","pipelineName","failedData":{"index","indexId","status","message","document"},"timestamp"}}.
 * Writers from several threads append whole lines under one lock.
 */
public class DeadLetterFile implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();

    private final Path path;
    private final String pipelineName;
    private final String pluginName;
    private final OutputStream out;

    public DeadLetterFile(final Path path, final String pipelineName, final String pluginName) throws IOException {
        this.path = path;
        this.pipelineName = pipelineName;
        this.pluginName = pluginName;
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        // FileOutputStream, not a FileChannel stream: an interrupt must not close the DLQ for everyone.
        this.out = new FileOutputStream(path.toFile(), true);
    }

    public Path path() {
        return path;
    }

    /** Appends one line per failure and flushes; throws when the file cannot be written. */
    public void write(final List<FailedDocument> failures) throws IOException {
        final ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (final FailedDocument failure : failures) {
            try (JsonGenerator g = JSON.createGenerator(lines, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("pluginId", pluginName);
                g.writeStringField("pluginName", pluginName);
                g.writeStringField("pipelineName", pipelineName);
                g.writeObjectFieldStart("failedData");
                g.writeStringField("index", failure.document().target().index());
                g.writeStringField("indexId", failure.document().target().documentId());
                g.writeNumberField("status", failure.status());
                g.writeStringField("message", failure.reason());
                g.writeFieldName("document");
                if (failure.document().json() == null) {
                    g.writeNull();
                } else {
                    g.writeRawValue(failure.document().json());
                }
                g.writeEndObject();
                g.writeStringField("timestamp", Instant.now().toString());
                g.writeEndObject();
            }
            lines.write('\n');
        }
        synchronized (this) {
            lines.writeTo(out);
            out.flush();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
