package io.reconnector.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;

/**
 * The header a forwarding node sends before a client's bytes on a hop to the session's home:
 * HAProxy's PROXY protocol v2 (so the home knows the real client address, and tools that
 * speak it can read it), encoded and decoded by netty-codec-haproxy, with one application TLV
 * proving the sender knows the cluster secret: a timestamp and an HMAC-SHA256 over the
 * header's fields. The home refuses a hop whose proof is wrong or older than
 * {@link #MAX_AGE_MILLIS}.
 */
public final class PeerPreamble {
    /** Our TLV's type: the first of the range PROXY v2 leaves to applications (0xE0–0xEF). */
    static final byte TLV_AUTH = (byte) 0xE0;
    static final long MAX_AGE_MILLIS = 60_000;
    private static final int TIMESTAMP_SIZE = Long.BYTES;
    private static final int MAC_SIZE = 32;
    private static final byte[] DOMAIN = "reconnector hop v1".getBytes(StandardCharsets.US_ASCII);

    /** The client's address as the forwarding node saw it. */
    public record Peer(String sourceAddress, int sourcePort, String destAddress, int destPort) {
        @Override
        public String toString() {
            return sourceAddress + ":" + sourcePort;
        }
    }

    /** Why a hop's header was refused. */
    public static final class Refused extends Exception {
        Refused(String why) {
            super(why);
        }
    }

    private PeerPreamble() {
    }

    /** The header for a hop carrying {@code peer}'s transport, proven at {@code nowMillis}. */
    public static HAProxyMessage encode(byte[] secret, Peer peer, long nowMillis) {
        HAProxyProxiedProtocol family = peer.sourceAddress().contains(":") ? HAProxyProxiedProtocol.TCP6
                : HAProxyProxiedProtocol.TCP4;
        ByteBuf proof = Unpooled.buffer(TIMESTAMP_SIZE + MAC_SIZE);
        proof.writeLong(nowMillis);
        proof.writeBytes(mac(secret, peer, nowMillis));
        return new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY, family,
                peer.sourceAddress(), peer.destAddress(), peer.sourcePort(), peer.destPort(),
                List.of(new HAProxyTLV(TLV_AUTH, proof)));
    }

    /**
     * Checks a decoded header (and releases it).
     *
     * @return the client's address
     * @throws Refused when it carries no proof, a wrong one, or a stale one
     */
    public static Peer verify(HAProxyMessage header, byte[] secret, long nowMillis) throws Refused {
        try {
            if (header.command() != HAProxyCommand.PROXY) {
                throw new Refused("a " + header.command() + " header, not PROXY");
            }
            Peer peer = new Peer(header.sourceAddress(), header.sourcePort(), header.destinationAddress(),
                    header.destinationPort());
            for (HAProxyTLV tlv : header.tlvs()) {
                if (tlv.typeByteValue() != TLV_AUTH) {
                    continue;
                }
                ByteBuf content = tlv.content();
                if (content.readableBytes() != TIMESTAMP_SIZE + MAC_SIZE) {
                    throw new Refused("the cluster secret proof has the wrong size");
                }
                long ts = content.getLong(content.readerIndex());
                byte[] mac = new byte[MAC_SIZE];
                content.getBytes(content.readerIndex() + TIMESTAMP_SIZE, mac);
                if (!MessageDigest.isEqual(mac, mac(secret, peer, ts))) {
                    throw new Refused("the cluster secret proof does not match");
                }
                if (Math.abs(nowMillis - ts) > MAX_AGE_MILLIS) {
                    throw new Refused("the cluster secret proof is stale (" + (nowMillis - ts) + " ms old)");
                }
                return peer;
            }
            throw new Refused("no cluster secret proof in the header");
        } finally {
            header.release();
        }
    }

    /** HMAC-SHA256 of the fields the proof covers, in a fixed order with lengths, so no two field sets collide. */
    private static byte[] mac(byte[] secret, Peer peer, long ts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(DOMAIN);
            field(mac, peer.sourceAddress());
            field(mac, peer.destAddress());
            mac.update(new byte[] {(byte) (peer.sourcePort() >>> 8), (byte) peer.sourcePort(),
                    (byte) (peer.destPort() >>> 8), (byte) peer.destPort()});
            byte[] t = new byte[TIMESTAMP_SIZE];
            for (int i = 0; i < TIMESTAMP_SIZE; i++) {
                t[i] = (byte) (ts >>> (56 - 8 * i));
            }
            mac.update(t);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static void field(Mac mac, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        mac.update((byte) b.length);
        mac.update(b);
    }
}
