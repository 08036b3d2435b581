package dev.mlbatch.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Pid files and stopping a process by its pid (TERM, then KILL after a grace period). */
public final class ProcessControl {

    private ProcessControl() {
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public static OptionalLong readPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * True if the live process {@code pid} runs a command line containing {@code marker}: a pid file
     * may be stale and its number reused by someone else's process, which must never be stopped.
     */
    public static boolean isOurs(long pid, String marker) {
        return isAlive(pid) && commandLine(pid).contains(marker);
    }

    /**
     * The arguments of process {@code pid} (from /proc on Linux; empty if unknown), for exact matches: a substring
     * test on the command line would take {@code /a/x/...} for {@code /x/...}.
     */
    public static List<String> arguments(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return List.of(new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).split("\0"));
            }
        } catch (IOException e) {
            // gone meanwhile, or not Linux
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).map(List::of).orElse(List.of());
    }

    /** True if the live process {@code pid} has {@code first} directly followed by {@code second} among its arguments. */
    public static boolean hasArguments(long pid, String first, String second) {
        List<String> args = arguments(pid);
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals(first) && args.get(i + 1).equals(second)) {
                return isAlive(pid);
            }
        }
        return false;
    }

    /** True if the live process {@code pid} has exactly {@code argument} among its arguments. */
    public static boolean hasArgument(long pid, String argument) {
        return arguments(pid).contains(argument) && isAlive(pid);
    }

    /**
     * The full command line. Read from /proc on Linux, because the JDK's ProcessHandle.Info gives
     * nothing for very long command lines (a JVM with a long class path).
     */
    public static String commandLine(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException e) {
            // gone meanwhile, or not Linux: fall through
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
    }

    /** Stops the process and its descendants; returns once all are gone. */
    public static void stop(long pid, Duration grace) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return;
        }
        var descendants = handle.get().descendants().toList();
        handle.get().destroy();
        long deadline = System.nanoTime() + grace.toNanos();
        while (handle.get().isAlive() && System.nanoTime() < deadline) {
            sleep(200);
        }
        if (handle.get().isAlive()) {
            handle.get().destroyForcibly();
            while (handle.get().isAlive()) {
                sleep(100);
            }
        }
        for (ProcessHandle d : descendants) {
            if (d.isAlive()) {
                d.destroyForcibly();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping a process", e);
        }
    }
}
