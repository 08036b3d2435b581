package dev.mlbatch.plugins.mlinference.dlq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * The dead letters of a processor that has no {@code dlq} configured: JSON lines in the shape of upstream's DLQ
 * objects, appended to a file next to the job ledger and forced to disk, so that no failure lives only in the log.
 */
public final class DeadLetterFile implements DeadLetterStore {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFile.class);
    private static final String PLUGIN_NAME = "ml_inference";

    private final Path file;
    private final String pipelineName;
    private final ObjectMapper mapper;
    private final Clock clock;

    public DeadLetterFile(final Path file, final String pipelineName, final ObjectMapper mapper, final Clock clock) {
        this.file = file;
        this.pipelineName = pipelineName;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public synchronized boolean write(final List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return true;
        }
        final StringBuilder lines = new StringBuilder();
        final String timestamp = clock.instant().toString();
        for (final DeadLetter letter : letters) {
            final ObjectNode object = mapper.createObjectNode();
            object.put("pluginId", PLUGIN_NAME);
            object.put("pluginName", PLUGIN_NAME);
            object.put("pipelineName", pipelineName);
            object.set("failedData", mapper.valueToTree(letter));
            object.put("timestamp", timestamp);
            lines.append(object).append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                final ByteBuffer buffer = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
            LOG.info("Dead-lettered {} item(s) to {} (no dlq configured)", letters.size(), file.toAbsolutePath());
            return true;
        } catch (final IOException e) {
            LOG.error("Could not write {} dead letter(s) to {}: {}", letters.size(), file.toAbsolutePath(), e.getMessage());
            return false;
        }
    }

    @Override
    public String describe() {
        return file.toAbsolutePath().toString();
    }

    @Override
    public void close() {
        // Nothing held open between writes.
    }
}
