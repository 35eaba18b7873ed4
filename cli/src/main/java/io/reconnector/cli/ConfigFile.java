package io.reconnector.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A command's settings in a TOML file whose keys are its long option names without the dashes
 * ({@code relay = "relay.example:7000"}, {@code forward = ["5432:db.internal:5432"]}). The file
 * supplies defaults: a flag on the command line wins over the same key in the file, and a list
 * given as flags replaces the file's list. Unknown keys and wrong types are refused with the key,
 * the file and the fix, never ignored.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    /** The option that names the file (it is read before the rest of the command line). */
    static final String FLAG = "--config";

    private final Path path;
    private final Map<String, String> values;

    private ConfigFile(Path path, Map<String, String> values) {
        this.path = path;
        this.values = values;
    }

    Path path() {
        return path;
    }

    /**
     * Reads {@code file} for {@code command}.
     *
     * @throws CommandLine.ParameterException naming the file, the key and what to write instead
     */
    static ConfigFile read(CommandSpec command, Path file) {
        Map<String, Object> raw;
        try {
            raw = new TomlMapper().readValue(Files.readString(file), LinkedHashMap.class);
        } catch (JacksonException e) {
            throw wrong(command, file, "is not valid TOML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw wrong(command, file, Files.exists(file) ? "cannot be read: " + e.getMessage() : "no such file");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String key = e.getKey();
            if (e.getValue() instanceof Map) {
                throw wrong(command, file, "has a table [" + key + "]: write every key at the top, e.g. relay = \"…\"");
            }
            OptionSpec option = command.findOption("--" + key);
            if (option == null || key.equals(FLAG.substring(2)) || option.usageHelp() || option.versionHelp()) {
                throw wrong(command, file, "has the key '" + key + "', which '" + command.name()
                        + "' does not take" + suggestion(command, key));
            }
            values.put(key, text(command, file, key, option, e.getValue()));
        }
        return new ConfigFile(file, values);
    }

    private static String text(CommandSpec command, Path file, String key, OptionSpec option, Object value) {
        if (value instanceof List<?> list) {
            if (!option.isMultiValue() || option.splitRegex().isEmpty()) {
                // The list reaches picocli as one default string, split where the option splits.
                throw wrong(command, file, "gives a list for '" + key + "', which takes one value");
            }
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                if (item instanceof Map || item instanceof List) {
                    throw wrong(command, file, "has a nested value in the list '" + key + "': list plain values");
                }
                items.add(String.valueOf(item));
            }
            return String.join(",", items);
        }
        return String.valueOf(value);
    }

    private static String suggestion(CommandSpec command, String key) {
        Set<String> close = new TreeSet<>();
        for (OptionSpec o : command.options()) {
            String name = o.longestName().replaceFirst("^--", "");
            if (!o.usageHelp() && !o.versionHelp() && (name.contains(key) || key.contains(name)
                    || distance(name, key) <= 2)) {
                close.add(name);
            }
        }
        return close.isEmpty() ? " (keys are the long option names without '--'; see '" + command.qualifiedName()
                + " --help')" : " (did you mean " + String.join(" or ", close) + "?)";
    }

    private static int distance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1),
                        diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }

    private static CommandLine.ParameterException wrong(CommandSpec command, Path file, String what) {
        return new CommandLine.ParameterException(command.commandLine(), FLAG + " " + file + " " + what);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec option) {
            String v = values.get(option.longestName().replaceFirst("^--", ""));
            if (v != null) {
                return v;
            }
        }
        return arg.defaultValue(); // the annotation's default, when the file does not say
    }

    /**
     * The config file the command line names ({@code --config FILE} or {@code --config=FILE}), else
     * {@code fallback} when that file exists, else null. Read before picocli parses, because the
     * file's values become the defaults of the parse.
     */
    static Path named(String[] args, Path fallback) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(FLAG) && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith(FLAG + "=")) {
                return Path.of(args[i].substring(FLAG.length() + 1));
            }
        }
        return fallback != null && Files.isRegularFile(fallback) ? fallback : null;
    }
}
