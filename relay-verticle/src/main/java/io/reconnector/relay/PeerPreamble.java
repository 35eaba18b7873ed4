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
import java.security.SecureRandom;
import java.util.List;

/**
 * The header a forwarding node sends before a client's bytes on a hop to the session's home:
 * HAProxy's PROXY protocol v2 (so the home knows the real client address, and tools that
 * speak it can read it), encoded and decoded by netty-codec-haproxy, with one application TLV
 * carrying what the home must believe: the client's authenticated identity, a timestamp, a
 * random nonce, and an HMAC-SHA256 over all of it and the addresses, keyed from the cluster
 * secret. The home refuses a hop whose proof is wrong, older than the window, or seen before.
 */
public final class PeerPreamble {
    /** Our TLV's type: the first of the range PROXY v2 leaves to applications (0xE0–0xEF). */
    static final byte TLV_AUTH = (byte) 0xE0;
    private static final int TIMESTAMP_SIZE = Long.BYTES;
    private static final int NONCE_SIZE = 16;
    private static final int MAC_SIZE = 32;
    private static final int MAX_IDENTITY_BYTES = 1024;
    private static final byte[] DOMAIN = "reconnector hop v2".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The client as the forwarding node knew it: its address and its authenticated identity. */
    public record Peer(String sourceAddress, int sourcePort, String destAddress, int destPort, String identity) {
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
    public static HAProxyMessage encode(byte[] hopKey, Peer peer, long nowMillis) {
        byte[] nonce = new byte[NONCE_SIZE];
        RANDOM.nextBytes(nonce);
        byte[] identity = peer.identity().getBytes(StandardCharsets.UTF_8);
        ByteBuf proof = Unpooled.buffer(TIMESTAMP_SIZE + NONCE_SIZE + 2 + identity.length + MAC_SIZE);
        proof.writeLong(nowMillis).writeBytes(nonce).writeShort(identity.length).writeBytes(identity);
        proof.writeBytes(mac(hopKey, peer, nowMillis, nonce));
        HAProxyProxiedProtocol family = peer.sourceAddress().contains(":") ? HAProxyProxiedProtocol.TCP6
                : HAProxyProxiedProtocol.TCP4;
        return new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY, family,
                peer.sourceAddress(), peer.destAddress(), peer.sourcePort(), peer.destPort(),
                List.of(new HAProxyTLV(TLV_AUTH, proof)));
    }

    /**
     * Checks a decoded header (and releases it).
     *
     * @return the client's address and identity
     * @throws Refused when it carries no proof, a wrong one, a stale one, or one seen before
     */
    public static Peer verify(HAProxyMessage header, byte[] hopKey, long nowMillis, ReplayGuard replays) throws Refused {
        try {
            if (header.command() != HAProxyCommand.PROXY) {
                throw new Refused("a " + header.command() + " header, not PROXY");
            }
            for (HAProxyTLV tlv : header.tlvs()) {
                if (tlv.typeByteValue() == TLV_AUTH) {
                    return checkProof(header, tlv.content().duplicate(), hopKey, nowMillis, replays);
                }
            }
            throw new Refused("no cluster secret proof in the header");
        } finally {
            header.release();
        }
    }

    private static Peer checkProof(HAProxyMessage header, ByteBuf in, byte[] hopKey, long now, ReplayGuard replays)
            throws Refused {
        if (in.readableBytes() < TIMESTAMP_SIZE + NONCE_SIZE + 2 + MAC_SIZE) {
            throw new Refused("the cluster secret proof is too short");
        }
        long ts = in.readLong();
        byte[] nonce = new byte[NONCE_SIZE];
        in.readBytes(nonce);
        int identityLength = in.readUnsignedShort();
        if (identityLength > MAX_IDENTITY_BYTES || in.readableBytes() != identityLength + MAC_SIZE) {
            throw new Refused("the cluster secret proof has the wrong size");
        }
        String identity = in.readCharSequence(identityLength, StandardCharsets.UTF_8).toString();
        byte[] mac = new byte[MAC_SIZE];
        in.readBytes(mac);
        Peer peer = new Peer(header.sourceAddress(), header.sourcePort(), header.destinationAddress(),
                header.destinationPort(), identity);
        if (!MessageDigest.isEqual(mac, mac(hopKey, peer, ts, nonce))) {
            throw new Refused("the cluster secret proof does not match");
        }
        switch (replays.check(nonce, ts, now)) {
            case FRESH -> {
                return peer;
            }
            case STALE -> throw new Refused("the cluster secret proof is stale (" + (now - ts) + " ms old)");
            case REPLAYED -> throw new Refused("the cluster secret proof was used before (a replay)");
            default -> throw new Refused("too many hops within the replay window to check one more");
        }
    }

    /** HMAC-SHA256 of the fields the proof covers, each with its length, so no two field sets collide. */
    private static byte[] mac(byte[] key, Peer peer, long ts, byte[] nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(DOMAIN);
            field(mac, peer.sourceAddress().getBytes(StandardCharsets.US_ASCII));
            field(mac, peer.destAddress().getBytes(StandardCharsets.US_ASCII));
            field(mac, peer.identity().getBytes(StandardCharsets.UTF_8));
            mac.update(new byte[] {(byte) (peer.sourcePort() >>> 8), (byte) peer.sourcePort(),
                    (byte) (peer.destPort() >>> 8), (byte) peer.destPort()});
            byte[] t = new byte[TIMESTAMP_SIZE];
            for (int i = 0; i < TIMESTAMP_SIZE; i++) {
                t[i] = (byte) (ts >>> (56 - 8 * i));
            }
            mac.update(t);
            mac.update(nonce);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static void field(Mac mac, byte[] b) {
        mac.update((byte) (b.length >>> 8));
        mac.update((byte) b.length);
        mac.update(b);
    }
}
