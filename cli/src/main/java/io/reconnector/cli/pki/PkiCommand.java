package io.reconnector.cli.pki;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code reconnector pki init | issue}: a small CA, so nobody has to learn openssl. */
@Command(name = "pki", mixinStandardHelpOptions = true,
        description = "Make a CA, the relay's certificate and agents' certificates.",
        subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class})
public final class PkiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: init or issue");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Make a CA in DIR and a certificate for the relay, valid for the names agents dial it by.")
    static final class Init implements Callable<Integer> {
        @Parameters(index = "0", description = "the directory to hold the CA (made if missing)")
        Path dir;

        @Option(names = "--relay-name", required = true,
                description = "a DNS name or IP address agents dial the relay by (repeatable)")
        List<String> relayNames = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                PkiFiles.init(dir, relayNames);
            } catch (IOException | IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            System.out.println("pki: made a CA and a relay certificate for " + String.join(", ", relayNames) + " in " + dir);
            System.out.println("  relay:  --tls-cert " + PkiFiles.certificate(dir, PkiFiles.RELAY) + " --tls-key "
                    + PkiFiles.key(dir, PkiFiles.RELAY) + " --client-ca " + PkiFiles.certificate(dir, PkiFiles.CA));
            System.out.println("  agents: reconnector pki issue " + dir + " NAME   (keep " + PkiFiles.key(dir, PkiFiles.CA)
                    + " offline if you can)");
            return 0;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue an agent certificate; its NAME is the identity that owns the agent's sessions.")
    static final class Issue implements Callable<Integer> {
        @Parameters(index = "0", description = "the CA's directory (made by pki init)")
        Path dir;

        @Parameters(index = "1", description = "the agent's identity, e.g. alice or alice@laptop")
        String name;

        @Option(names = "--days", defaultValue = "" + Pki.DEFAULT_CLIENT_DAYS,
                description = "how long the certificate is valid (default ${DEFAULT-VALUE})")
        int days;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                PkiFiles.issue(dir, name, days);
            } catch (IOException | IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            System.out.println("pki: issued " + name + " for " + days + " days");
            System.out.println("  agent: --relay-ca " + PkiFiles.certificate(dir, PkiFiles.CA) + " --cert "
                    + PkiFiles.certificate(dir, name) + " --key " + PkiFiles.key(dir, name));
            return 0;
        }
    }
}
