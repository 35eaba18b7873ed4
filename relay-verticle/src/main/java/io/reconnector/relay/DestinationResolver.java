package io.reconnector.relay;

import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Destination;
import io.reconnector.protocol.frame.HostName;
import io.reconnector.protocol.frame.IpAddress;
import io.reconnector.protocol.frame.Ipv6Address;
import io.vertx.core.Future;

import java.util.List;

/**
 * From what a New Connection asks for to the address the relay dials, or a refusal with its
 * errno: an address is checked against the destination policy; a name against the name rules,
 * then resolved, then each of its addresses checked in turn (the first allowed one is dialled).
 * Checking the resolved address, not the name, is what keeps a name that points somewhere
 * unexpected (a rebinding DNS answer, a hosts entry for 127.0.0.1) from reaching it.
 */
final class DestinationResolver {
    /** Why a destination is not dialled: the errno for Connect Failed, and words for the log. */
    static final class Refused extends Exception {
        final int errno;

        Refused(int errno, String why) {
            super(why, null, false, false);
            this.errno = errno;
        }
    }

    private final DestinationPolicy policy;
    private final List<NameRule> allowNames;
    private final List<NameRule> denyNames;
    private final NameResolver resolver;

    /** A node's: its --allow/--deny, its own ports on its own addresses, its name rules and hosts file. */
    static DestinationResolver forNode(io.vertx.core.Vertx vertx, RelayOptions options, java.util.Set<Integer> ownPorts) {
        DestinationPolicy policy = new DestinationPolicy(options.allow(), options.deny(), ownPorts,
                OwnAddresses.ofThisHost()::contains);
        return new DestinationResolver(policy, options.names().allow(), options.names().deny(),
                new NameResolver(vertx, options.names().hostsFile()));
    }

    /** Says once at start what the policy allows when that is nothing, or anything on purpose. */
    void announce(io.reconnector.edge.EventLog log) {
        if (policy.allowsNothing()) {
            log.warn(io.reconnector.edge.Event.DESTINATION_POLICY, "no --allow given: every destination is refused; "
                    + "give --allow CIDR[:PORTS] for what agents may reach (or --allow any, on purpose)");
        } else if (policy.allowsAny()) {
            log.info(io.reconnector.edge.Event.DESTINATION_POLICY, "--allow any: every destination but --deny and the "
                    + "relay's own ports may be dialled");
        }
    }

    DestinationResolver(DestinationPolicy policy, List<NameRule> allowNames, List<NameRule> denyNames,
                        NameResolver resolver) {
        this.policy = policy;
        this.allowNames = List.copyOf(allowNames);
        this.denyNames = List.copyOf(denyNames);
        this.resolver = resolver;
    }

    /** The address to dial; fails with {@link Refused}. Already complete for an address (no lookup). */
    Future<IpAddress> resolve(Destination destination, int port) {
        if (destination instanceof IpAddress ip) {
            IpAddress address = ip instanceof Ipv6Address v6 ? v6.unmapped() : ip; // ::ffff:a.b.c.d is IPv4
            String refusal = policy.refusal(address, port);
            return refusal == null ? Future.succeededFuture(address)
                    : Future.failedFuture(new Refused(ConnectFailed.EACCES, refusal));
        }
        HostName name = (HostName) destination;
        String nameRefusal = nameRefusal(name);
        if (nameRefusal != null) {
            return Future.failedFuture(new Refused(ConnectFailed.EACCES, nameRefusal));
        }
        return resolver.resolve(name).recover(t -> Future.failedFuture(t instanceof NameResolver.NoSuchHost
                ? new Refused(ConnectFailed.NO_SUCH_HOST, "no such host")
                : new Refused(ConnectFailed.NAME_LOOKUP_FAILED, "the name could not be looked up: " + t.getMessage())))
                .compose(addresses -> firstAllowed(addresses, port));
    }

    private Future<IpAddress> firstAllowed(List<IpAddress> addresses, int port) {
        if (addresses.isEmpty()) {
            return Future.failedFuture(new Refused(ConnectFailed.NO_SUCH_HOST, "no such host (no address)"));
        }
        String first = null;
        for (IpAddress a : addresses) {
            String refusal = policy.refusal(a, port);
            if (refusal == null) {
                return Future.succeededFuture(a);
            }
            if (first == null) {
                first = "it resolves to " + a + ", refused by " + refusal;
            }
        }
        return Future.failedFuture(new Refused(ConnectFailed.EACCES, first));
    }

    String nameRefusal(HostName name) {
        return NameRule.refusal(allowNames, denyNames, name);
    }
}
