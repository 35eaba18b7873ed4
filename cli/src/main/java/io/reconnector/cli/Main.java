package io.reconnector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code reconnector relay | agent | demo}. */
@Command(name = "reconnector", mixinStandardHelpOptions = true, version = "reconnector 0.1.0",
        description = "TCP connections that survive the network.",
        subcommands = {RelayCommand.class, AgentCommand.class, DemoCommand.class})
public final class Main implements Runnable {
    // Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level.
    private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");
    private static final java.util.logging.Logger NETTY_LOG = java.util.logging.Logger.getLogger("io.netty");
    // A member that dies is reported by Hazelcast's and the event bus's networking with stack
    // traces; the relay says it in one line of its own, so those stay quiet.
    private static final java.util.logging.Logger HAZELCAST_NET_LOG = java.util.logging.Logger.getLogger("com.hazelcast.internal");
    private static final java.util.logging.Logger HAZELCAST_CP_LOG = java.util.logging.Logger.getLogger("com.hazelcast.cp");
    private static final java.util.logging.Logger EVENT_BUS_LOG = java.util.logging.Logger.getLogger("io.vertx.core.eventbus");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("vertx.disableDnsResolver", "true");
        System.setProperty("hazelcast.logging.type", "jdk");
        HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
        NETTY_LOG.setLevel(java.util.logging.Level.WARNING);
        HAZELCAST_NET_LOG.setLevel(java.util.logging.Level.SEVERE);
        HAZELCAST_CP_LOG.setLevel(java.util.logging.Level.SEVERE);
        EVENT_BUS_LOG.setLevel(java.util.logging.Level.SEVERE);
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say which command: relay, agent or demo");
    }
}
