package io.reconnector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code reconnector relay | agent | demo | policy | pki}. */
@Command(name = "reconnector", mixinStandardHelpOptions = true, version = "reconnector 0.1.0",
        description = "TCP connections that survive the network.",
        subcommands = {RelayCommand.class, AgentCommand.class, DemoCommand.class, PolicyCommand.class,
                io.reconnector.cli.pki.PkiCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("vertx.disableDnsResolver", "true");
        Logging.routeLibraries();
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say which command: relay, agent, demo, policy or pki");
    }
}
