package io.reconnector.relay;

import io.reconnector.protocol.frame.Ipv4Address;

import java.util.List;

/**
 * Which destinations a relay dials: explicit deny, then explicit allow, then a built-in deny
 * list of addresses a relay should never reach for a client (this host, link-local where
 * cloud metadata lives, multicast, broadcast), then allow.
 */
public final class DestinationPolicy {
    public static final List<AddressRule> BUILT_IN_DENY = List.of(
            AddressRule.parse("0.0.0.0/8"),
            AddressRule.parse("127.0.0.0/8"),
            AddressRule.parse("169.254.0.0/16"),
            AddressRule.parse("224.0.0.0/4"),
            AddressRule.parse("255.255.255.255/32"));

    private final List<AddressRule> allow;
    private final List<AddressRule> deny;

    public DestinationPolicy(List<AddressRule> allow, List<AddressRule> deny) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
    }

    /** Null when the destination may be dialled, else the rule that forbids it (for the log). */
    public String refusal(Ipv4Address address, int port) {
        for (AddressRule r : deny) {
            if (r.matches(address, port)) {
                return "denied by --deny " + r;
            }
        }
        for (AddressRule r : allow) {
            if (r.matches(address, port)) {
                return null;
            }
        }
        for (AddressRule r : BUILT_IN_DENY) {
            if (r.matches(address, port)) {
                return "denied by the built-in rule " + r + " (allow it with --allow)";
            }
        }
        return null;
    }
}
