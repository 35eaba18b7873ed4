package io.reconnector.relay;

import io.reconnector.protocol.frame.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DestinationPolicyTest {
    private static Ipv4Address ip(String s) {
        return Ipv4Address.parse(s);
    }

    @Test
    void builtInDenyCoversLoopbackMetadataMulticastAndBroadcast() {
        DestinationPolicy p = new DestinationPolicy(List.of(), List.of());
        assertNotNull(p.refusal(ip("127.0.0.1"), 22));
        assertNotNull(p.refusal(ip("169.254.169.254"), 80));
        assertNotNull(p.refusal(ip("0.1.2.3"), 80));
        assertNotNull(p.refusal(ip("239.1.1.1"), 80));
        assertNotNull(p.refusal(ip("255.255.255.255"), 80));
        assertNull(p.refusal(ip("10.1.2.3"), 5432));
    }

    @Test
    void explicitAllowOpensABuiltInDenyAndExplicitDenyWinsOverAllow() {
        DestinationPolicy p = new DestinationPolicy(List.of(AddressRule.parse("127.0.0.0/8")),
                List.of(AddressRule.parse("127.0.0.1:22")));
        assertNull(p.refusal(ip("127.0.0.1"), 8080));
        assertTrue(p.refusal(ip("127.0.0.1"), 22).contains("--deny"));
        assertNull(p.refusal(ip("127.9.9.9"), 22));
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
