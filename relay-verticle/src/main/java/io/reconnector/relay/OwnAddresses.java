package io.reconnector.relay;

import io.reconnector.protocol.frame.IpAddress;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses a destination on this host could be reached by: all of 127.0.0.0/8 and
 * 0.0.0.0/8 (which Linux routes to this host too), {@code ::1} and {@code ::}, and every
 * address on its interfaces, read once from the interface list (no network traffic).
 */
final class OwnAddresses {
    private static final List<AddressRule> THIS_HOST = List.of(AddressRule.parse("127.0.0.0/8"),
            AddressRule.parse("0.0.0.0/8"), AddressRule.parse("::1/128"), AddressRule.parse("::/128"));

    private final Set<IpAddress> interfaces;

    private OwnAddresses(Set<IpAddress> interfaces) {
        this.interfaces = Set.copyOf(interfaces);
    }

    static OwnAddresses ofThisHost() {
        Set<IpAddress> found = new HashSet<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    found.add(IpAddress.of(a));
                }
            }
        } catch (SocketException e) {
            // no interface list: loopback and the "this host" addresses are still known to be ours
        }
        return new OwnAddresses(found);
    }

    boolean contains(IpAddress a) {
        return THIS_HOST.stream().anyMatch(r -> r.matches(a, 0)) || interfaces.contains(a);
    }
}
