package dev.mlbatch.stack.it;

import dev.mlbatch.stack.StackHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A state folder of its own under target/ for a test that runs a stack beside the shared one; downloads are shared. */
final class OwnHome {

    private OwnHome() {
    }

    static StackHome prepare(String name) throws IOException {
        Path root = Path.of("target", name).toAbsolutePath();
        Files.createDirectories(root);
        Path downloads = root.resolve("downloads");
        if (!Files.exists(downloads, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(downloads, StackHome.locate().downloads());
        }
        return new StackHome(root);
    }
}
