package io.reconnector.relay;

import io.reconnector.protocol.frame.Ipv4Address;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * The addresses a destination on this host could be reached by: all of 127.0.0.0/8 and
 * 0.0.0.0/8 (which Linux routes to this host too), and every IPv4 address on its interfaces,
 * read once from the interface list (no network traffic).
 */
final class OwnAddresses {
    private static final AddressRule LOOPBACK = AddressRule.parse("127.0.0.0/8");
    private static final AddressRule THIS_HOST = AddressRule.parse("0.0.0.0/8");

    private final Set<Integer> interfaces;

    private OwnAddresses(Set<Integer> interfaces) {
        this.interfaces = Set.copyOf(interfaces);
    }

    static OwnAddresses ofThisHost() {
        Set<Integer> found = new HashSet<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        found.add(Ipv4Address.of(a.getAddress()).bits());
                    }
                }
            }
        } catch (SocketException e) {
            // no interface list: loopback and 0.0.0.0/8 are still known to be ours
        }
        return new OwnAddresses(found);
    }

    boolean contains(Ipv4Address a) {
        return LOOPBACK.matches(a, 0) || THIS_HOST.matches(a, 0) || interfaces.contains(a.bits());
    }
}
