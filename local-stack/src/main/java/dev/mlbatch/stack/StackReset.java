package dev.mlbatch.stack;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code mlbatch stack reset [--yes]}: stops the stack of a state folder and deletes everything in that folder
 * (OpenSearch node and data, S3 objects, the flows' ledgers and work folders, env file, logs, downloads), leaving the
 * folder itself empty. It asks {@code type yes to delete <folder>} on the terminal unless given {@code --yes}.
 * It never follows a symbolic link out of the folder (a link is removed, not what it points to), and refuses a folder
 * that is {@code /}, the user's home, the repository or a folder holding either of those.
 * Exit codes: 0 deleted (or nothing to delete), 1 not confirmed or failed, 64 usage or a refused folder.
 */
public final class StackReset {

    public static final String USAGE = "usage: mlbatch stack reset [--yes]";
    public static final int USAGE_ERROR = 64;

    /** The terminal the question is asked on. */
    public interface Terminal {
        /** False when there is none (input or output redirected): nobody could answer. */
        boolean present();

        /** Prints {@code prompt} and reads one line; null at end of input. */
        String ask(String prompt);

        /** {@link System#console()}, which exists only when both standard input and output are a terminal. */
        static Terminal system() {
            return new Terminal() {
                @Override
                public boolean present() {
                    return System.console() != null;
                }

                @Override
                public String ask(String prompt) {
                    Console console = System.console();
                    return console == null ? null : console.readLine("%s", prompt);
                }
            };
        }
    }

    private final StackHome home;
    private final Path userHome;
    private final Optional<Path> repository;
    private final Terminal terminal;

    public StackReset(StackHome home, Path userHome, Optional<Path> repository, Terminal terminal) {
        this.home = home;
        this.userHome = userHome;
        this.repository = repository;
        this.terminal = terminal;
    }

    /** For the command line: this user's home, the repository from {@code MLBATCH_REPO} or above the working folder. */
    public static StackReset forCommandLine(StackHome home) {
        return new StackReset(home, Path.of(System.getProperty("user.home")), locateRepository(), Terminal.system());
    }

    public int run(List<String> args, PrintStream out, PrintStream err) {
        boolean yes = false;
        for (String arg : args) {
            if (arg.equals("--yes")) {
                yes = true;
            } else {
                err.println("mlbatch stack reset: unknown argument '" + arg + "'");
                err.println(USAGE);
                return USAGE_ERROR;
            }
        }
        Path root = home.root().toAbsolutePath().normalize();
        Optional<String> refusal = refusal(root, userHome, repository);
        if (refusal.isPresent()) {
            err.println("mlbatch stack reset: refusing to delete " + root + ": " + refusal.get());
            return USAGE_ERROR;
        }
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                err.println("mlbatch stack reset: " + root + " is a link or not a folder; not deleted");
                return USAGE_ERROR;
            }
            out.println("nothing to reset: " + root + " does not exist");
            return 0;
        }
        if (isEmpty(root)) {
            out.println("nothing to reset: " + root + " is empty");
            return 0;
        }
        if (!yes) {
            if (!terminal.present()) {
                err.println("mlbatch stack reset: no terminal to ask on; to delete everything in " + root
                        + " without being asked, run: mlbatch stack reset --yes");
                return USAGE_ERROR;
            }
            String answer = terminal.ask("type yes to delete " + root + ": ");
            if (answer == null || !answer.trim().equals("yes")) {
                err.println("not deleted (the answer was not yes)");
                return 1;
            }
        }
        try {
            StackLauncher launcher = new StackLauncher(home);
            launcher.down(out);
            List<Long> left = launcher.livePids();
            if (!left.isEmpty()) {
                err.println("mlbatch stack reset: processes of this stack still run after stack down: " + left + "; nothing deleted");
                return 1;
            }
            Deleted deleted = deleteContents(root);
            out.printf(Locale.ROOT, "deleted everything in %s: %d files, %.1f MiB%n", root, deleted.files(), deleted.bytes() / (double) (1 << 20));
            out.println("the next ./mlbatch stack up starts from scratch (then ./mlbatch setup for the models)");
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("mlbatch stack reset: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Why {@code root} must never be emptied, or empty: it is a file system root, or it is (or holds) the user's home
     * or the repository. The real paths count, so that a link to one of those is refused too.
     */
    static Optional<String> refusal(Path root, Path userHome, Optional<Path> repository) {
        Path real = real(root);
        if (real.getParent() == null) {
            return Optional.of("it is the root of a file system");
        }
        Path user = real(userHome);
        if (user.startsWith(real)) {
            return Optional.of(user.equals(real) ? "it is your home folder" : "it holds your home folder " + user);
        }
        if (repository.isPresent()) {
            Path repo = real(repository.get());
            if (repo.startsWith(real)) {
                return Optional.of(repo.equals(real) ? "it is the repository itself" : "it holds the repository " + repo);
            }
        }
        return Optional.empty();
    }

    /** Counts of what was deleted. */
    record Deleted(long files, long bytes) {
    }

    /**
     * Deletes every entry below {@code root}, not {@code root} itself. The walk does not follow links: a link is
     * deleted as a file, whatever it points to.
     */
    static Deleted deleteContents(Path root) throws IOException {
        long[] counts = new long[2];
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                Files.walkFileTree(child, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        counts[0]++;
                        counts[1] += attrs.isRegularFile() ? attrs.size() : 0;
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                        if (failure != null) {
                            throw failure;
                        }
                        Files.delete(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
            }
        }
        return new Deleted(counts[0], counts[1]);
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            return absolute;
        }
    }

    /** {@code MLBATCH_REPO} (the mlbatch script sets it), else the nearest folder above the working one with {@code mlbatch} and a pom. */
    static Optional<Path> locateRepository() {
        String env = System.getenv("MLBATCH_REPO");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mlbatch")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }
}
