package dev.mlbatch.compat;

import dev.mlbatch.stack.s3.S3Server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lets a JVM reach a local S3 virtual-hosted style (upstream Data Prepper's S3 clients have no path-style option):
 * a hosts file resolving {@value S3Server#VIRTUAL_HOST} and {@code <bucket>.}{@value S3Server#VIRTUAL_HOST} to
 * 127.0.0.1, given to the JVM with {@code -Djdk.net.hosts.file}.
 */
public final class VirtualHostedNames {
    private VirtualHostedNames() {
    }

    /** Writes {@code file} for {@code bucket}; returns the {@code JAVA_TOOL_OPTIONS} value that makes a JVM use it. */
    public static String javaToolOptions(final Path file, final String bucket) throws IOException {
        // The JVM resolves only from this file, so it also names this machine (Data Prepper looks itself up).
        Files.writeString(file, "127.0.0.1 localhost " + S3Server.VIRTUAL_HOST + " " + bucket + "." + S3Server.VIRTUAL_HOST
                + " " + InetAddress.getLocalHost().getHostName() + "\n", StandardCharsets.UTF_8);
        return "-Djdk.net.hosts.file=" + file;
    }
}
