package io.reconnector.store;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Seals session records for the cluster's map with AES-256-GCM (a random 96-bit nonce per
 * record, the map key as associated data, so a sealed record cannot be moved to another
 * session) and opens them again, refusing any that was altered or forged.
 */
final class RecordSeal {
    private static final String CIPHER = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** The layout of the sealed fields; a node meeting a newer one refuses rather than guesses. */
    private static final byte FORMAT = 1;
    /** Bounds on what a sealed record may declare, so a forged one cannot make us allocate much. */
    private static final int MAX_ITEMS = 1 << 20;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    /**
     * One cipher per thread, initialised afresh for every record: looking a cipher up costs more
     * than sealing a record (half of a relay's sealing time went to Cipher.getInstance).
     */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance(CIPHER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    });

    RecordSeal(ClusterKeys keys) {
        this.key = new SecretKeySpec(keys.key(ClusterKeys.Purpose.SESSION_RECORDS), "AES");
    }

    SealedRecord seal(SessionRecord r) {
        String mapKey = r.key().storeKey();
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = CIPHERS.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(mapKey.getBytes(StandardCharsets.UTF_8));
            byte[] body = c.doFinal(serialize(r));
            byte[] sealed = new byte[NONCE_BYTES + body.length];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            System.arraycopy(body, 0, sealed, NONCE_BYTES, body.length);
            return new SealedRecord(mapKey, r.epoch(), r.homeNode(), r.attached(), r.changedAt(), sealed);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    SessionRecord open(SealedRecord s) throws SessionStore.RefusedRecord {
        if (s.sealed() == null || s.sealed().length <= NONCE_BYTES) {
            throw new SessionStore.RefusedRecord("session record " + s.key() + " carries no seal");
        }
        SessionRecord r;
        try {
            Cipher c = CIPHERS.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, s.sealed(), 0, NONCE_BYTES));
            c.updateAAD(s.key().getBytes(StandardCharsets.UTF_8));
            r = deserialize(c.doFinal(s.sealed(), NONCE_BYTES, s.sealed().length - NONCE_BYTES));
        } catch (GeneralSecurityException e) {
            throw new SessionStore.RefusedRecord("session record " + s.key() + " fails its seal: altered, forged,"
                    + " or sealed with another cluster secret");
        } catch (IOException | RuntimeException e) {
            throw new SessionStore.RefusedRecord("session record " + s.key() + " is sealed but unreadable: " + e.getMessage());
        }
        if (!r.key().storeKey().equals(s.key()) || r.epoch() != s.epoch() || !r.homeNode().equals(s.homeNode())
                || r.attached() != s.attached() || r.changedAt() != s.changedAt()) {
            throw new SessionStore.RefusedRecord("session record " + s.key() + ": its clear fields were changed");
        }
        return r;
    }

    private static byte[] serialize(SessionRecord r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(FORMAT);
        out.writeUTF(r.key().identity());
        out.writeLong(r.key().clientId());
        out.writeLong(r.epoch());
        out.writeUTF(r.homeNode());
        out.writeBoolean(r.attached());
        out.writeLong(r.changedAt());
        out.writeInt(r.lastClientHandled());
        out.writeInt(r.nextServerId());
        out.writeInt(r.connections().size());
        for (ConnectionRecord c : r.connections()) {
            out.writeInt(c.id());
            out.writeUTF(c.address());
            out.writeInt(c.port());
            out.writeUTF(c.homeNode());
            out.writeByte(c.state().ordinal());
        }
        out.writeInt(r.unackedServerFrames().size());
        for (byte[] f : r.unackedServerFrames()) {
            out.writeInt(f.length);
            out.write(f);
        }
        return bytes.toByteArray();
    }

    private static SessionRecord deserialize(byte[] plain) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
        if (in.readByte() != FORMAT) {
            throw new IOException("an unknown record format");
        }
        SessionKey key = new SessionKey(in.readUTF(), in.readLong());
        long epoch = in.readLong();
        String home = in.readUTF();
        boolean attached = in.readBoolean();
        long changedAt = in.readLong();
        int lastHandled = in.readInt();
        int nextId = in.readInt();
        List<ConnectionRecord> connections = new ArrayList<>();
        for (int i = 0, n = count(in); i < n; i++) {
            connections.add(new ConnectionRecord(in.readInt(), in.readUTF(), in.readInt(), in.readUTF(),
                    ConnectionRecord.State.values()[in.readByte()]));
        }
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0, n = count(in); i < n; i++) {
            byte[] f = new byte[Math.min(count(in), plain.length)];
            in.readFully(f);
            frames.add(f);
        }
        return new SessionRecord(key, epoch, home, attached, changedAt, lastHandled, nextId, connections, frames);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ITEMS) {
            throw new IOException("a count of " + n);
        }
        return n;
    }
}
