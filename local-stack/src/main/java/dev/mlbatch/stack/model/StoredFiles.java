package dev.mlbatch.stack.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The bytes of the OpenAI files and Cohere dataset parts the model service holds, one file each in a folder of its
 * own: on disk, not on the heap, because batch outputs (384 floats per line) reach hundreds of MB. The folder is
 * emptied when the service starts: the jobs and file objects that name these bytes live in memory only.
 */
final class StoredFiles implements AutoCloseable {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final Path dir;
    private final boolean deleteOnClose;

    StoredFiles(Path dir, boolean deleteOnClose) {
        this.dir = dir;
        this.deleteOnClose = deleteOnClose;
        try {
            wipe();
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the model service's file folder " + dir, e);
        }
    }

    static StoredFiles inTempFolder() {
        try {
            return new StoredFiles(Files.createTempDirectory("mlbatch-model-files-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary folder for the model service's files", e);
        }
    }

    void put(String id, byte[] bytes) {
        try {
            Files.write(path(id), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not store file " + id + " in " + dir, e);
        }
    }

    /** A stream to write {@code id}'s bytes; the caller closes it. */
    OutputStream create(String id) {
        try {
            return new java.io.BufferedOutputStream(Files.newOutputStream(path(id)), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create file " + id + " in " + dir, e);
        }
    }

    byte[] read(String id) {
        try {
            return Files.readAllBytes(path(id));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read file " + id + " from " + dir, e);
        }
    }

    InputStream open(String id) {
        try {
            return Files.newInputStream(path(id));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read file " + id + " from " + dir, e);
        }
    }

    long size(String id) {
        try {
            return Files.size(path(id));
        } catch (IOException e) {
            return 0;
        }
    }

    void delete(String id) {
        try {
            Files.deleteIfExists(path(id));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete file " + id + " from " + dir, e);
        }
    }

    private Path path(String id) {
        if (!SAFE_ID.matcher(id).matches() || id.startsWith(".")) {
            throw new IllegalArgumentException("not a stored file id: " + id);
        }
        return dir.resolve(id);
    }

    private void wipe() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    public void close() {
        if (deleteOnClose) {
            try {
                wipe();
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a temporary folder: best effort
            }
        }
    }
}
