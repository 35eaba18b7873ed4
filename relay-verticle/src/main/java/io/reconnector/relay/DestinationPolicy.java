package io.reconnector.relay;

import io.reconnector.protocol.frame.IpAddress;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which destinations a relay dials, deny by default. In order: an explicit {@code --deny};
 * then the relay's own listening ports (client, peer, cluster, event bus, admin) on any of its
 * addresses, which are never a destination; then an explicit {@code --allow} (or
 * {@code --allow any}); then deny. A refusal is Connect Failed with errno 13, before any dial.
 */
public final class DestinationPolicy {
    /**
     * Advice, not rules: what an {@code --allow} wide enough to cover them should usually be
     * paired with as {@code --deny} (cloud metadata, this host, multicast, broadcast).
     */
    public static final List<AddressRule> ADVISED_DENY = List.of(
            AddressRule.parse("169.254.0.0/16"),
            AddressRule.parse("127.0.0.0/8"),
            AddressRule.parse("0.0.0.0/8"),
            AddressRule.parse("224.0.0.0/4"),
            AddressRule.parse("255.255.255.255/32"),
            AddressRule.parse("::1/128"),
            AddressRule.parse("::/128"),
            AddressRule.parse("fe80::/10"),
            AddressRule.parse("ff00::/8"));

    /** An answer and the rule that gave it, for the log and for {@code reconnector policy}. */
    public record Decision(boolean allowed, String rule) {
    }

    private final List<AddressRule> allow;
    private final List<AddressRule> deny;
    /** Each rule as a decision names it, written once: a decision is made for every connection. */
    private final List<String> allowNames;
    private final List<String> denyNames;
    private final Set<Integer> ownPorts;
    private final Predicate<IpAddress> ownAddress;

    /** A policy that knows nothing of a relay's own ports (the {@code policy} command's dry run). */
    public DestinationPolicy(List<AddressRule> allow, List<AddressRule> deny) {
        this(allow, deny, Set.of(), a -> false);
    }

    /**
     * @param ownPorts   the ports this relay listens on
     * @param ownAddress whether an address is one of this relay's own (loopback, its interfaces)
     */
    public DestinationPolicy(List<AddressRule> allow, List<AddressRule> deny, Set<Integer> ownPorts,
                             Predicate<IpAddress> ownAddress) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
        this.allowNames = this.allow.stream().map(r -> "--allow " + r).toList();
        this.denyNames = this.deny.stream().map(r -> "--deny " + r).toList();
        this.ownPorts = Set.copyOf(ownPorts);
        this.ownAddress = ownAddress;
    }

    public Decision decide(IpAddress address, int port) {
        for (int i = 0; i < deny.size(); i++) {
            if (deny.get(i).matches(address, port)) {
                return new Decision(false, denyNames.get(i));
            }
        }
        if (ownPorts.contains(port) && ownAddress.test(address)) {
            return new Decision(false, "the relay's own port " + port + " (never a destination)");
        }
        for (int i = 0; i < allow.size(); i++) {
            if (allow.get(i).matches(address, port)) {
                return new Decision(true, allowNames.get(i));
            }
        }
        return new Decision(false, allow.isEmpty() ? "no --allow given: every destination is refused"
                : "no --allow matches it");
    }

    /** Null when the destination may be dialled, else the rule that forbids it (for the log). */
    public String refusal(IpAddress address, int port) {
        Decision d = decide(address, port);
        return d.allowed() ? null : d.rule();
    }

    public boolean allowsNothing() {
        return allow.isEmpty();
    }

    public boolean allowsAny() {
        return allow.stream().anyMatch(AddressRule::any);
    }
}
