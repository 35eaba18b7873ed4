package io.reconnector.relay;

import io.reconnector.protocol.frame.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DestinationPolicyTest {
    private static Ipv4Address ip(String s) {
        return Ipv4Address.parse(s);
    }

    @Test
    void withNoAllowEveryDestinationIsRefusedAndTheAnswerSaysWhy() {
        DestinationPolicy p = new DestinationPolicy(List.of(), List.of());
        for (String a : List.of("127.0.0.1", "10.1.2.3", "192.168.1.1", "100.64.0.1", "8.8.8.8")) {
            DestinationPolicy.Decision d = p.decide(ip(a), 443);
            assertFalse(d.allowed(), a);
            assertTrue(d.rule().contains("no --allow given"), d.rule());
        }
        assertTrue(p.allowsNothing());
    }

    @Test
    void explicitDenyWinsOverAllowAndWhatNoAllowMatchesIsRefused() {
        DestinationPolicy p = new DestinationPolicy(List.of(AddressRule.parse("127.0.0.0/8")),
                List.of(AddressRule.parse("127.0.0.1:22")));
        assertNull(p.refusal(ip("127.0.0.1"), 8080));
        assertEquals("--allow 127.0.0.0/8", p.decide(ip("127.0.0.1"), 8080).rule());
        assertEquals("--deny 127.0.0.1/32:22", p.refusal(ip("127.0.0.1"), 22));
        assertNull(p.refusal(ip("127.9.9.9"), 22));
        assertEquals("no --allow matches it", p.refusal(ip("169.254.169.254"), 80));
    }

    @Test
    void theRelaysOwnPortsAreRefusedOnItsOwnAddressesEvenWhenAllowed() {
        DestinationPolicy p = new DestinationPolicy(List.of(AddressRule.ANY), List.of(),
                Set.of(7000, 5701), a -> a.equals(ip("127.0.0.1")) || a.equals(ip("10.0.0.5")));
        assertTrue(p.refusal(ip("127.0.0.1"), 5701).contains("own port 5701"));
        assertTrue(p.refusal(ip("10.0.0.5"), 7000).contains("own port 7000"));
        assertNull(p.refusal(ip("10.0.0.6"), 7000), "another host's port 7000 is not ours");
        assertNull(p.refusal(ip("127.0.0.1"), 7001));
    }

    @Test
    void anyAllowsEverythingButDenyAndSaysSo() {
        DestinationPolicy p = new DestinationPolicy(List.of(AddressRule.parse("any")),
                List.of(AddressRule.parse("169.254.0.0/16")));
        assertTrue(p.allowsAny());
        assertEquals("--allow any", p.decide(ip("8.8.8.8"), 53).rule());
        assertFalse(p.decide(ip("169.254.169.254"), 80).allowed());
        assertEquals("any", AddressRule.parse("ANY").toString());
    }

    @Test
    void theAdvisedDenyListCoversMetadataLoopbackMulticastAndBroadcast() {
        DestinationPolicy p = new DestinationPolicy(List.of(AddressRule.ANY), DestinationPolicy.ADVISED_DENY);
        for (String a : List.of("169.254.169.254", "127.0.0.1", "0.1.2.3", "239.1.1.1", "255.255.255.255")) {
            assertFalse(p.decide(ip(a), 80).allowed(), a);
        }
        assertTrue(p.decide(ip("10.1.2.3"), 5432).allowed());
    }

    @Test
    void portRangesAndPrefixes() {
        AddressRule r = AddressRule.parse("10.0.0.0/8:80-443");
        assertTrue(r.matches(ip("10.200.0.1"), 443));
        assertTrue(!r.matches(ip("10.200.0.1"), 444));
        assertTrue(!r.matches(ip("11.0.0.1"), 80));
        assertTrue(AddressRule.parse("0.0.0.0/0").matches(ip("8.8.8.8"), 1));
        assertEquals("10.0.0.0/8:80-443", r.toString());
        assertEquals("192.168.1.7/32", AddressRule.parse("192.168.1.7").toString());
    }

    @Test
    void badRulesSayHowToWriteThem() {
        for (String bad : List.of("10.0.0.0/33", "10.0.0/8", "10.0.0.0/8:99999", "10.0.0.0/8:90-80", "example.com")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressRule.parse(bad));
            assertTrue(e.getMessage().contains("CIDR[:PORT[-PORT]]"), e.getMessage());
        }
    }
}
