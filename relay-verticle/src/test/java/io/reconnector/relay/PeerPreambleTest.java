package io.reconnector.relay;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerPreambleTest {
    private static final byte[] SECRET = "correct horse".getBytes(StandardCharsets.UTF_8);
    private static final PeerPreamble.Peer PEER = new PeerPreamble.Peer(0x7F000001, 40000, 0x7F000002, 7000);

    @Test
    void roundTripsWithTheClientAddressAndLeavesTheRestAlone() {
        Buffer b = PeerPreamble.encode(SECRET, PEER, 1000).appendString("client bytes");
        PeerPreamble.Parsed p = PeerPreamble.parse(b, SECRET, 1500);
        assertEquals(PEER, p.peer());
        assertEquals("client bytes", b.getString(p.length(), b.length()));
    }

    @Test
    void startsWithTheProxyV2Signature() {
        Buffer b = PeerPreamble.encode(SECRET, PEER, 0);
        assertEquals(Buffer.buffer(PeerPreamble.SIGNATURE), b.getBuffer(0, 12));
        assertEquals(0x21, b.getUnsignedByte(12));
    }

    @Test
    void waitsForMoreBytesAtEveryCut() {
        Buffer b = PeerPreamble.encode(SECRET, PEER, 1000);
        for (int cut = 0; cut < b.length(); cut++) {
            assertEquals(-1, PeerPreamble.parse(b.getBuffer(0, cut), SECRET, 1000).length());
        }
    }

    @Test
    void refusesTheWrongSecretStaleProofsAndStrangers() {
        Buffer b = PeerPreamble.encode(SECRET, PEER, 1000);
        assertThrows(IllegalArgumentException.class, () -> PeerPreamble.parse(b, "wrong".getBytes(), 1000));
        IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
                () -> PeerPreamble.parse(b, SECRET, 1000 + PeerPreamble.MAX_AGE_MILLIS + 1));
        assertTrue(stale.getMessage().contains("stale"));
        assertThrows(IllegalArgumentException.class,
                () -> PeerPreamble.parse(Buffer.buffer(new byte[] {0x01, 0, 0, 0, 7}), SECRET, 0));
        Buffer tampered = b.copy();
        tampered.setByte(20, (byte) 9); // a different source address
        assertThrows(IllegalArgumentException.class, () -> PeerPreamble.parse(tampered, SECRET, 1000));
    }
}
