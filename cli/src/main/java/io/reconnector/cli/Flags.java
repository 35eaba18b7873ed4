package io.reconnector.cli;

import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks shared by the commands' flag groups: each failure says what is wrong and how to fix it. */
final class Flags {
    private Flags() {
    }

    static CommandLine.ParameterException wrong(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** A file the command will read: it must be there and readable now, not at the first client. */
    static Path readable(CommandLine.Model.CommandSpec spec, String flag, Path file) {
        if (file != null && !Files.isReadable(file)) {
            throw wrong(spec, flag + " " + file + ": " + (Files.exists(file) ? "cannot be read (check its permissions)"
                    : "no such file"));
        }
        return file;
    }
}
