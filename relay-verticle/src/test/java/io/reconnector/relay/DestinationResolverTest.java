package io.reconnector.relay;

import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Destination;
import io.reconnector.protocol.frame.HostName;
import io.reconnector.protocol.frame.IpAddress;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.Ipv6Address;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules for both address families and for names, and a resolver that reads only the hosts file it is given. */
class DestinationResolverTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @Test
    void ipv6RulesMatchTheirNetworkAndPortsOnly() {
        AddressRule ula = AddressRule.parse("fd00::/8");
        assertTrue(ula.matches(Ipv6Address.parse("fd12::1"), 443));
        assertFalse(ula.matches(Ipv6Address.parse("fe80::1"), 443));
        assertFalse(ula.matches(Ipv4Address.parse("10.0.0.1"), 443), "an IPv6 rule says nothing of IPv4");
        AddressRule ssh = AddressRule.parse("[::1]:22");
        assertTrue(ssh.matches(Ipv6Address.parse("::1"), 22));
        assertFalse(ssh.matches(Ipv6Address.parse("::1"), 23));
        assertEquals("[::1/128]:22", ssh.toString());
        assertEquals("10.0.0.0/8:80-443", AddressRule.parse("10.1.2.3/8:80-443").toString());
        assertTrue(AddressRule.ANY.matches(Ipv6Address.parse("2001:db8::1"), 1));
        assertThrows(IllegalArgumentException.class, () -> AddressRule.parse("fd00::/129"));
        assertThrows(IllegalArgumentException.class, () -> AddressRule.parse("[fd00::]x"));
    }

    @Test
    void nameRulesMatchANameOrEveryNameUnderADomain() {
        NameRule svc = NameRule.parse("*.svc.cluster.local");
        assertTrue(svc.matches(new HostName("db.prod.svc.cluster.local")));
        assertFalse(svc.matches(new HostName("svc.cluster.local")), "the domain itself is not under it");
        assertFalse(svc.matches(new HostName("evilsvc.cluster.local")));
        assertTrue(NameRule.parse("DB.Internal").matches(new HostName("db.internal")));
        assertThrows(IllegalArgumentException.class, () -> NameRule.parse("*"));
    }

    @Test
    void theHostsFileFormat() {
        Map<String, List<IpAddress>> hosts = NameResolver.parse(List.of("# comment", "10.0.0.5 db.internal db # alias",
                "fd00::5 db.internal", "not-an-address foo", "10.0.0.6", "  "));
        assertEquals(List.of(Ipv4Address.parse("10.0.0.5"), Ipv6Address.parse("fd00::5")), hosts.get("db.internal"));
        assertEquals(List.of(Ipv4Address.parse("10.0.0.5")), hosts.get("db"));
        assertEquals(2, hosts.size());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static int errno(Future<?> f) {
        Exception e = assertThrows(Exception.class, () -> await(f));
        return ((DestinationResolver.Refused) e.getCause()).errno;
    }

    @Test
    void namesAreResolvedFromTheHostsFileAndTheirAddressesStillPassThePolicy(@TempDir Path dir) throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "10.0.0.5 db.internal\n127.0.0.1 sneaky.internal\n"
                + "10.9.9.9 two.internal\n10.0.0.6 two.internal\n");
        DestinationPolicy policy = new DestinationPolicy(List.of(AddressRule.parse("10.0.0.0/24")), List.of());
        DestinationResolver r = new DestinationResolver(policy, List.of(NameRule.parse("*.internal")),
                List.of(NameRule.parse("secret.internal")), new NameResolver(vertx, hosts));
        assertEquals(Ipv4Address.parse("10.0.0.5"), await(r.resolve(Destination.parse("db.internal"), 5432)));
        assertEquals(Ipv4Address.parse("10.0.0.6"), await(r.resolve(Destination.parse("two.internal"), 5432)),
                "the first allowed address of several");
        assertEquals(ConnectFailed.EACCES, errno(r.resolve(Destination.parse("sneaky.internal"), 80)),
                "a name pointing at a refused address is refused like the address");
        assertEquals(ConnectFailed.EACCES, errno(r.resolve(Destination.parse("secret.internal"), 80)));
        assertEquals(ConnectFailed.EACCES, errno(r.resolve(Destination.parse("db.example"), 80)));
        assertEquals(Ipv4Address.parse("10.0.0.7"), await(r.resolve(Destination.parse("::ffff:10.0.0.7"), 80)),
                "an IPv4-mapped IPv6 address is its IPv4 address, under the IPv4 rules");
        assertEquals(ConnectFailed.EACCES, errno(r.resolve(Destination.parse("::ffff:127.0.0.1"), 80)));
    }

    @Test
    void aNameInNoFileIsNoSuchHost(@TempDir Path dir) throws Exception {
        // Only when the JVM resolves from a file (jdk.net.hosts.file, set for the test forks) is this free of DNS.
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("jdk.net.hosts.file") != null);
        Path hosts = Files.writeString(dir.resolve("hosts"), "");
        DestinationResolver r = new DestinationResolver(new DestinationPolicy(List.of(AddressRule.ANY), List.of()),
                List.of(), List.of(), new NameResolver(vertx, hosts));
        assertEquals(ConnectFailed.NO_SUCH_HOST, errno(r.resolve(Destination.parse("nowhere.invalid"), 80)));
    }
}
