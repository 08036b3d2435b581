package dev.mlbatch.bench.scan;

import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.StackLauncher;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent side of {@link LocalS3ServerMain}: starts it in its own JVM (on the local stack's services class path,
 * whose Jackson 3 s3proxy needs, plus this module's code), waits for its port, asks it for the request counts, and
 * stops it by closing its stdin.
 */
public final class LocalS3Server implements AutoCloseable {
    public static final String ACCESS_KEY = LocalS3ServerMain.ACCESS_KEY;
    public static final String SECRET_KEY = LocalS3ServerMain.SECRET_KEY;
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final int port;

    /** The requests the server answered since it started or since {@link #resetCounts()}. */
    public record RequestCounts(long listObjects, long headObject, long getObject) {
    }

    private LocalS3Server(final Process process) throws IOException {
        this.process = process;
        this.commands = process.getOutputStream();
        final BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int found = -1;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("PORT ")) {
                found = Integer.parseInt(line.substring(5).trim());
                break;
            }
        }
        if (found < 0) {
            throw new IOException("the local S3 server exited before it was ready");
        }
        this.port = found;
        // Keeps reading: answers go to the queue, and a full pipe never blocks the server.
        final Thread drain = new Thread(() -> {
            try {
                String next;
                while ((next = reader.readLine()) != null) {
                    if (next.startsWith(LocalS3ServerMain.COUNTS_ANSWER)) {
                        answers.add(next);
                    }
                }
            } catch (final IOException e) {
                // the server is gone
            }
        }, "s3-server-output");
        drain.setDaemon(true);
        drain.start();
    }

    /** Starts {@link LocalS3ServerMain} with {@code heap} (an {@code -Xmx} option) and its arguments. */
    public static LocalS3Server start(final String heap, final String... args) throws IOException {
        final String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final String classPath = ownLocation() + File.pathSeparator + JvmClasspath.forServices();
        final List<String> command = new ArrayList<>(List.of(javaBinary, heap, StackLauncher.SERVICES_LOGBACK_OPTION,
                "-cp", classPath, LocalS3ServerMain.class.getName()));
        command.addAll(List.of(args));
        return new LocalS3Server(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    public int port() {
        return port;
    }

    public RequestCounts counts() throws IOException, InterruptedException {
        commands.write((LocalS3ServerMain.COUNTS_COMMAND + "\n").getBytes(StandardCharsets.US_ASCII));
        commands.flush();
        final String answer = answers.poll(30, TimeUnit.SECONDS);
        if (answer == null) {
            throw new IOException("the local S3 server did not report its request counts");
        }
        final String[] fields = answer.substring(LocalS3ServerMain.COUNTS_ANSWER.length()).trim().split(" ");
        return new RequestCounts(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]));
    }

    public void resetCounts() throws IOException {
        commands.write((LocalS3ServerMain.RESET_COMMAND + "\n").getBytes(StandardCharsets.US_ASCII));
        commands.flush();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        commands.close();
        process.destroy();
        process.waitFor();
    }

    private static String ownLocation() {
        try {
            return Path.of(LocalS3Server.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
