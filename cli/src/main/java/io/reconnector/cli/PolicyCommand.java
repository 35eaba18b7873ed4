package io.reconnector.cli;

import io.reconnector.protocol.frame.Destination;
import io.reconnector.protocol.frame.HostName;
import io.reconnector.protocol.frame.IpAddress;
import io.reconnector.protocol.frame.Ipv6Address;
import io.reconnector.relay.DestinationPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * An operator's dry run of the destination policy: the same rules a relay would be given, one
 * destination, the answer and the rule that gave it. No network traffic: a name is checked
 * against the name rules only, never resolved.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Say whether a relay with these --allow and --deny rules would dial HOST:PORT, and why: "
                + "prints 'allow' or 'deny' and the deciding rule; exit 0 on allow, 1 on deny. A running relay "
                + "also refuses its own listening ports on its own addresses, whatever the rules say.")
final class PolicyCommand implements Callable<Integer> {
    @CommandLine.Mixin
    PolicyFlags rules = new PolicyFlags();

    @Parameters(paramLabel = "HOST:PORT", description = "the destination: an address or a name and a port, e.g. "
            + "10.0.0.7:5432, [fd00::7]:5432 or db.internal:5432")
    String destination;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        int colon = destination.lastIndexOf(':');
        Destination to;
        int port;
        try {
            to = Destination.parse(destination.substring(0, Math.max(colon, 0)));
            port = Integer.parseInt(destination.substring(colon + 1));
            if (colon < 0 || port < 1 || port > 65535) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw Flags.wrong(spec, "'" + destination + "' is not a destination; write an address or a name and a "
                    + "port from 1 to 65535, e.g. 10.0.0.7:5432, [fd00::7]:5432 or db.internal:5432");
        }
        java.io.PrintWriter out = spec.commandLine().getOut();
        try {
            if (to instanceof HostName name) {
                // Names are not looked up here (no network traffic): only the name rules are checked.
                String refusal = io.reconnector.relay.NameRule.refusal(rules.allowNames, rules.denyNames, name);
                out.println((refusal == null ? "allow" : "deny") + " " + name + ":" + port + " (" + (refusal == null
                        ? "the name rules allow it; a relay then checks each address it resolves to against --allow and --deny"
                        : refusal) + ")");
                return refusal == null ? 0 : 1;
            }
            IpAddress address = to instanceof Ipv6Address v6 ? v6.unmapped() : (IpAddress) to;
            DestinationPolicy.Decision d = new DestinationPolicy(rules.allow, rules.deny).decide(address, port);
            out.println((d.allowed() ? "allow" : "deny") + " " + destination + " (" + d.rule() + ")");
            return d.allowed() ? 0 : 1;
        } finally {
            out.flush();
        }
    }
}
