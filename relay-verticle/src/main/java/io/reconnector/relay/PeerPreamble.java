package io.reconnector.relay;

import io.vertx.core.buffer.Buffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The header a forwarding node sends before a client's bytes on a hop to the session's home:
 * HAProxy's PROXY protocol v2 (so the home logs the real client address, and tools that speak
 * it can read it), with one application TLV (type 0xE0) proving the sender knows the cluster
 * secret: an 8-byte timestamp and an HMAC-SHA256 over everything before it. The home refuses
 * a hop whose proof is wrong or older than {@link #MAX_AGE_MILLIS}.
 */
public final class PeerPreamble {
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    static final int TLV_AUTH = 0xE0;
    static final long MAX_AGE_MILLIS = 60_000;
    private static final int HEADER = 16;
    private static final int MAX_LENGTH = 512;

    /** The client's address as the forwarding node saw it. */
    public record Peer(int sourceIp, int sourcePort, int destIp, int destPort) {
    }

    /** A parse result: {@code length} bytes consumed, or -1 while more are needed. */
    public record Parsed(int length, Peer peer) {
    }

    private PeerPreamble() {
    }

    public static Buffer encode(byte[] secret, Peer peer, long nowMillis) {
        Buffer b = Buffer.buffer(HEADER + 12 + 3 + 40);
        b.appendBytes(SIGNATURE).appendByte((byte) 0x21).appendByte((byte) 0x11);
        b.appendUnsignedShort(12 + 3 + 40);
        b.appendInt(peer.sourceIp()).appendInt(peer.destIp())
                .appendUnsignedShort(peer.sourcePort()).appendUnsignedShort(peer.destPort());
        b.appendUnsignedByte((short) TLV_AUTH).appendUnsignedShort(40).appendLong(nowMillis);
        b.appendBytes(hmac(secret, b.getBytes()));
        return b;
    }

    /**
     * Reads a preamble from the start of {@code in}.
     *
     * @throws IllegalArgumentException when it is not a valid, authentic, fresh preamble
     */
    public static Parsed parse(Buffer in, byte[] secret, long nowMillis) {
        if (in.length() < HEADER) {
            checkSignaturePrefix(in);
            return new Parsed(-1, null);
        }
        checkSignaturePrefix(in);
        if (in.getUnsignedByte(12) != 0x21) {
            throw new IllegalArgumentException("not a PROXY v2 PROXY command");
        }
        int length = in.getUnsignedShort(14);
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("preamble too long: " + length);
        }
        if (in.length() < HEADER + length) {
            return new Parsed(-1, null);
        }
        int family = in.getUnsignedByte(13);
        int pos = HEADER;
        Peer peer = new Peer(0, 0, 0, 0);
        if (family == 0x11) {
            peer = new Peer(in.getInt(pos), in.getUnsignedShort(pos + 8), in.getInt(pos + 4), in.getUnsignedShort(pos + 10));
            pos += 12;
        } else if (family != 0x00) {
            throw new IllegalArgumentException("unsupported address family " + family);
        }
        int end = HEADER + length;
        while (pos + 3 <= end) {
            int type = in.getUnsignedByte(pos);
            int len = in.getUnsignedShort(pos + 1);
            if (pos + 3 + len > end) {
                break;
            }
            if (type == TLV_AUTH && len == 40) {
                long ts = in.getLong(pos + 3);
                byte[] mac = in.getBytes(pos + 11, pos + 43);
                byte[] expected = hmac(secret, in.getBytes(0, pos + 11));
                if (!MessageDigest.isEqual(mac, expected)) {
                    throw new IllegalArgumentException("cluster secret proof does not match");
                }
                if (Math.abs(nowMillis - ts) > MAX_AGE_MILLIS) {
                    throw new IllegalArgumentException("cluster secret proof is stale (" + (nowMillis - ts) + " ms)");
                }
                return new Parsed(end, peer);
            }
            pos += 3 + len;
        }
        throw new IllegalArgumentException("no cluster secret proof in the preamble");
    }

    private static void checkSignaturePrefix(Buffer in) {
        for (int i = 0; i < Math.min(in.length(), SIGNATURE.length); i++) {
            if (in.getByte(i) != SIGNATURE[i]) {
                throw new IllegalArgumentException("not a PROXY protocol v2 header");
            }
        }
    }

    private static byte[] hmac(byte[] secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
