package io.reconnector.store;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Every key the cluster plane uses, derived from the one cluster secret with HKDF-SHA256
 * (RFC 5869), one label per purpose, so that no two uses ever share a key and the secret
 * itself never leaves the node.
 */
public final class ClusterKeys {
    /** The fewest secret bytes accepted. */
    public static final int MIN_SECRET_BYTES = 16;
    private static final byte[] SALT = "reconnector cluster keys v1".getBytes(StandardCharsets.US_ASCII);

    /** What a key is for; each label gives an unrelated key. */
    public enum Purpose {
        /** Part of the Hazelcast cluster name: a process without the secret cannot join. */
        HAZELCAST_CLUSTER_NAME("hazelcast cluster name", 10),
        /** AES-256-GCM over session records in the store. */
        SESSION_RECORDS("session records", 32),
        /** HMAC-SHA256 over control messages on the event bus. */
        CONTROL_MESSAGES("control messages", 32),
        /** HMAC-SHA256 over the PROXY header of a hop between nodes. */
        HOP_PREAMBLE("hop preamble", 32);

        private final byte[] label;
        private final int length;

        Purpose(String label, int length) {
            this.label = label.getBytes(StandardCharsets.US_ASCII);
            this.length = length;
        }
    }

    private final byte[] secret;

    public ClusterKeys(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the cluster secret has " + secret.length + " bytes; use at least "
                    + MIN_SECRET_BYTES + " random bytes, e.g. head -c 32 /dev/urandom > secret");
        }
        this.secret = secret.clone();
    }

    public byte[] key(Purpose purpose) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, SALT, purpose.label));
        byte[] out = new byte[purpose.length];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    /**
     * The Hazelcast cluster name: the operator's prefix, the store's format and a part only
     * holders of the secret can compute. Members that write records in another format
     * ({@link StoreSerializers#FORMAT}) never join, so no member is handed a record it cannot read.
     */
    public String clusterName(String prefix) {
        return prefix + "-store" + StoreSerializers.FORMAT + "-" + HexFormat.of().formatHex(key(Purpose.HAZELCAST_CLUSTER_NAME));
    }
}
