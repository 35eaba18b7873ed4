package io.reconnector.cli;

import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.relay.DestinationPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * An operator's dry run of the destination policy: the same rules a relay would be given, one
 * destination, the answer and the rule that gave it. No network traffic: the destination is an
 * IPv4 literal, never resolved.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Say whether a relay with these --allow and --deny rules would dial HOST:PORT, and why: "
                + "prints 'allow' or 'deny' and the deciding rule; exit 0 on allow, 1 on deny. A running relay "
                + "also refuses its own listening ports on its own addresses, whatever the rules say.")
final class PolicyCommand implements Callable<Integer> {
    @CommandLine.Mixin
    PolicyFlags rules = new PolicyFlags();

    @Parameters(paramLabel = "HOST:PORT", description = "the destination: an IPv4 address and a port, e.g. 10.0.0.7:5432")
    String destination;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        int colon = destination.lastIndexOf(':');
        Ipv4Address address;
        int port;
        try {
            address = Ipv4Address.parse(destination.substring(0, Math.max(colon, 0)));
            port = Integer.parseInt(destination.substring(colon + 1));
            if (colon < 0 || port < 1 || port > 65535) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw Flags.wrong(spec, "'" + destination + "' is not a destination; write an IPv4 address and a "
                    + "port from 1 to 65535, e.g. 10.0.0.7:5432 (relays dial addresses, so names are not checked)");
        }
        DestinationPolicy.Decision d = new DestinationPolicy(rules.allow, rules.deny).decide(address, port);
        spec.commandLine().getOut().println((d.allowed() ? "allow" : "deny") + " " + address + ":" + port
                + " (" + d.rule() + ")");
        spec.commandLine().getOut().flush();
        return d.allowed() ? 0 : 1;
    }
}
