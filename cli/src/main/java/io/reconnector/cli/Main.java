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
        // The agent and status start on a command line of their own: building picocli's model of
        // every command (the relay's many flags, the PKI's) cost the laptop agent a tenth of a
        // second at every start. Help and errors read the same ("reconnector agent ...").
        boolean alone = args.length > 0 && (args[0].equals("agent") || args[0].equals("status"));
        if (alone && args[0].equals("agent")) {
            StartupWarmUp.start(); // the libraries' set-up, on a second core while picocli works
        }
        CommandLine line = alone ? standalone(args[0]) : new CommandLine(new Main());
        String[] rest = alone ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        int code;
        try {
            if (alone && args[0].equals("agent")) {
                useConfigFile(line, rest);
            }
            code = line.execute(rest);
        } catch (CommandLine.ParameterException e) {
            // A bad config file is a bad flag: the same message, usage hint and exit code.
            code = handle(line, e, rest);
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    private static CommandLine standalone(String name) {
        CommandLine sub = new CommandLine(name.equals("agent") ? new AgentCommand() : new StatusCommand());
        sub.setCommandName("reconnector " + name);
        return sub;
    }

    private static int handle(CommandLine line, CommandLine.ParameterException e, String[] args) {
        try {
            return line.getParameterExceptionHandler().handleParseException(e, args);
        } catch (Exception unexpected) {
            throw new IllegalStateException(unexpected);
        }
    }

    /** The agent reads its defaults from {@code --config FILE}, or from the default file when it exists. */
    private static void useConfigFile(CommandLine agent, String[] args) {
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
