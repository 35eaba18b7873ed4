package io.reconnector.relay;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Proves a control message came from a holder of the cluster secret: an HMAC-SHA256 over its
 * fields (each with its length, in a fixed order), a timestamp and a random nonce, keyed from
 * the secret. Requests name the node they are for, so one cannot be redirected to another;
 * replies are bound to their request's nonce, so one cannot answer another request.
 */
final class ControlProof {
    static final String TS = "ts";
    static final String NONCE = "nonce";
    static final String MAC = "mac";
    private static final int NONCE_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    ControlProof(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Adds timestamp, nonce and MAC over {@code fields} (names of string or number fields of {@code body}). */
    JsonObject sign(JsonObject body, List<String> fields, long now) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        body.put(TS, now).put(NONCE, Base64.getEncoder().encodeToString(nonce));
        return body.put(MAC, mac(body, fields));
    }

    /** True when the MAC matches; the caller checks the timestamp and nonce for freshness. */
    boolean valid(JsonObject body, List<String> fields) {
        String mac = body.getString(MAC);
        if (mac == null || body.getValue(TS) == null || body.getString(NONCE) == null) {
            return false;
        }
        return MessageDigest.isEqual(mac.getBytes(StandardCharsets.US_ASCII),
                mac(body, fields).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] nonce(JsonObject body) {
        try {
            return Base64.getDecoder().decode(body.getString(NONCE));
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private String mac(JsonObject body, List<String> fields) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (String f : fields) {
                field(mac, f);
                field(mac, String.valueOf(body.getValue(f)));
            }
            field(mac, String.valueOf(body.getValue(TS)));
            field(mac, body.getString(NONCE));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static void field(Mac mac, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        mac.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
        mac.update(b);
    }
}
