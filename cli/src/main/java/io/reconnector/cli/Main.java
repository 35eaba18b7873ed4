package io.reconnector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code reconnector relay | agent | status | demo | policy | pki}. */
@Command(name = "reconnector", mixinStandardHelpOptions = true, version = "reconnector 0.1.0",
        description = "TCP connections that survive the network.",
        subcommands = {RelayCommand.class, AgentCommand.class, StatusCommand.class, DemoCommand.class, PolicyCommand.class,
                io.reconnector.cli.pki.PkiCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("vertx.disableDnsResolver", "true");
        Logging.routeLibraries();
        CommandLine line = new CommandLine(new Main());
        int code;
        try {
            useConfigFile(line, args);
            code = line.execute(args);
        } catch (CommandLine.ParameterException e) {
            // A bad config file is a bad flag: the same message, usage hint and exit code.
            code = handle(line, e, args);
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    private static int handle(CommandLine line, CommandLine.ParameterException e, String[] args) {
        try {
            return line.getParameterExceptionHandler().handleParseException(e, args);
        } catch (Exception unexpected) {
            throw new IllegalStateException(unexpected);
        }
    }

    /** {@code agent} reads its defaults from {@code --config FILE}, or from the default file when it exists. */
    private static void useConfigFile(CommandLine line, String[] args) {
        if (args.length == 0 || !args[0].equals("agent")) {
            return;
        }
        CommandLine agent = line.getSubcommands().get("agent");
        java.nio.file.Path file = ConfigFile.named(args, AgentCommand.defaultConfigFile());
        if (file != null) {
            ConfigFile config = ConfigFile.read(agent.getCommandSpec(), file);
            agent.setDefaultValueProvider(config);
            ((AgentCommand) agent.getCommand()).configFile = config.path();
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say which command: relay, agent, status, demo, policy or pki");
    }
}
