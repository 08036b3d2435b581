package dev.mlbatch.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code stack reset}: what it refuses, when it asks, and that it empties the state folder and nothing outside it. */
class StackResetTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** A terminal that answers with a fixed line and remembers the questions. */
    static final class ScriptedTerminal implements StackReset.Terminal {
        final boolean present;
        final String answer;
        final List<String> asked = new ArrayList<>();

        ScriptedTerminal(boolean present, String answer) {
            this.present = present;
            this.answer = answer;
        }

        @Override
        public boolean present() {
            return present;
        }

        @Override
        public String ask(String prompt) {
            asked.add(prompt);
            return answer;
        }
    }

    @Test
    void refusesTheFileSystemRootTheUsersHomeTheRepositoryAndWhatHoldsThem() throws Exception {
        Path user = Files.createDirectories(dir.resolve("users/me"));
        Path repo = Files.createDirectories(dir.resolve("src/repo"));
        Optional<Path> repository = Optional.of(repo);

        assertEquals(Optional.of("it is the root of a file system"), StackReset.refusal(Path.of("/"), user, repository));
        assertEquals(Optional.of("it is your home folder"), StackReset.refusal(user, user, repository));
        assertEquals(Optional.of("it holds your home folder " + user.toRealPath()), StackReset.refusal(dir.resolve("users"), user, repository));
        assertEquals(Optional.of("it is the repository itself"), StackReset.refusal(repo, user, repository));
        assertEquals(Optional.of("it is the repository itself"), StackReset.refusal(repo.resolve("x/.."), user, repository));
        assertEquals(Optional.of("it holds the repository " + repo.toRealPath()), StackReset.refusal(dir.resolve("src"), user, repository));
        Path link = Files.createSymbolicLink(dir.resolve("link-to-home"), user);
        assertEquals(Optional.of("it is your home folder"), StackReset.refusal(link, user, repository), "the real path counts");

        assertEquals(Optional.empty(), StackReset.refusal(repo.resolve(".mlbatch"), user, repository));
        assertEquals(Optional.empty(), StackReset.refusal(user.resolve(".mlbatch"), user, repository));
        assertEquals(Optional.empty(), StackReset.refusal(dir.resolve("elsewhere"), user, Optional.empty()));
    }

    @Test
    void aRefusedFolderIsLeftAsItIsWithoutEvenCreatingTheStacksFolders() throws Exception {
        Path user = Files.createDirectories(dir.resolve("me"));
        Files.writeString(user.resolve("notes.txt"), "mine");
        StackReset reset = new StackReset(new StackHome(user), user, Optional.empty(), new ScriptedTerminal(true, "yes"));

        int code = StackMain.run(new StackHome(user), new String[] {"stack", "reset", "--yes"}, reset, out, err);

        assertEquals(64, code);
        assertEquals("mlbatch stack reset: refusing to delete " + user + ": it is your home folder", errBytes.toString(StandardCharsets.UTF_8).trim());
        assertEquals(List.of(user.resolve("notes.txt")), list(user), "no run/, logs/ or s3/ created, nothing deleted");
    }

    @Test
    void withoutATerminalAndWithoutYesItRefusesAndDeletesNothing() throws Exception {
        Path home = stateFolder();
        ScriptedTerminal none = new ScriptedTerminal(false, null);

        int code = reset(home, none).run(List.of(), out, err);

        assertEquals(64, code);
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("no terminal to ask on; to delete everything in " + home
                + " without being asked, run: mlbatch stack reset --yes"), errBytes.toString(StandardCharsets.UTF_8));
        assertTrue(none.asked.isEmpty());
        assertTrue(Files.exists(home.resolve("data/opensearch/nodes/0/x.st")));
    }

    @Test
    void anAnswerOtherThanYesDeletesNothing() throws Exception {
        Path home = stateFolder();
        ScriptedTerminal no = new ScriptedTerminal(true, "y");

        assertEquals(1, reset(home, no).run(List.of(), out, err));

        assertEquals(List.of("type yes to delete " + home + ": "), no.asked);
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("not deleted"));
        assertTrue(Files.exists(home.resolve("stack.env")));
    }

    @Test
    void yesOnTheTerminalEmptiesTheFolderButLeavesWhatALinkInItPointsTo() throws Exception {
        Path home = stateFolder();
        Path shared = Files.createDirectories(dir.resolve("shared-downloads"));
        Files.writeString(shared.resolve("opensearch.zip"), "zip");
        Files.createSymbolicLink(home.resolve("downloads"), shared);
        ScriptedTerminal yes = new ScriptedTerminal(true, "yes\n");

        int code = reset(home, yes).run(List.of(), out, err);

        assertEquals(0, code, errBytes.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), list(home), "the folder is kept, empty");
        assertTrue(Files.isDirectory(home));
        assertEquals("zip", Files.readString(shared.resolve("opensearch.zip")), "the link was removed, not followed");
        String said = outBytes.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("stack down"), said);
        assertTrue(said.contains("deleted everything in " + home + ": "), said);
    }

    @Test
    void yesOnTheCommandLineNeedsNoTerminal() throws Exception {
        Path home = stateFolder();
        ScriptedTerminal none = new ScriptedTerminal(false, null);

        assertEquals(0, reset(home, none).run(List.of("--yes"), out, err), errBytes.toString(StandardCharsets.UTF_8));

        assertEquals(List.of(), list(home));
        assertTrue(none.asked.isEmpty());
    }

    @Test
    void anUnknownArgumentOrAMissingOrEmptyFolderDeletesNothing() throws Exception {
        Path home = stateFolder();
        assertEquals(64, reset(home, new ScriptedTerminal(true, "yes")).run(List.of("--force"), out, err));
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains(StackReset.USAGE));
        assertTrue(Files.exists(home.resolve("stack.env")));

        Path missing = dir.resolve("never-created");
        assertEquals(0, reset(missing, new ScriptedTerminal(false, null)).run(List.of(), out, err));
        assertFalse(Files.exists(missing), "reset creates no folder");
        assertTrue(outBytes.toString(StandardCharsets.UTF_8).contains("nothing to reset: " + missing + " does not exist"));
    }

    private StackReset reset(Path home, StackReset.Terminal terminal) {
        return new StackReset(new StackHome(home), dir.resolve("user-home"), Optional.of(dir.resolve("repo")), terminal);
    }

    /** A state folder as a stack leaves it: node data, S3 objects, a flow's ledger, env file, logs. */
    private Path stateFolder() throws Exception {
        Path home = dir.resolve("state");
        Files.createDirectories(home.resolve("data/opensearch/nodes/0"));
        Files.writeString(home.resolve("data/opensearch/nodes/0/x.st"), "state");
        Files.createDirectories(home.resolve("s3/mlbatch/raw"));
        Files.writeString(home.resolve("s3/mlbatch/raw/corpus.jsonl"), "{}\n");
        Files.createDirectories(home.resolve("demo/sagemaker"));
        Files.writeString(home.resolve("demo/sagemaker/ledger.json"), "{}");
        Files.writeString(home.resolve("stack.env"), "MLBATCH_HOME=" + home + "\n");
        Files.createDirectories(home.resolve("logs"));
        Files.writeString(home.resolve("logs/services.log"), "log\n");
        return home;
    }

    private static List<Path> list(Path folder) throws Exception {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }
}
