package io.reconnector.store;

import java.io.Serializable;

/**
 * What names a session: the identity that owns it (the client certificate's subject CN) and
 * the client id it chose. Two identities using the same client id have two sessions that
 * never touch; a client without a certificate (plaintext on loopback) is {@link #ANONYMOUS}.
 */
public record SessionKey(String identity, long clientId) implements Serializable {
    /** The identity of every client on a relay that asks for no client certificate. */
    public static final String ANONYMOUS = "";

    public SessionKey {
        if (identity == null) {
            throw new IllegalArgumentException("identity is required (ANONYMOUS for none)");
        }
        if (clientId < 0 || clientId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("client id must be an unsigned 32-bit value, got " + clientId);
        }
    }

    public static SessionKey anonymous(long clientId) {
        return new SessionKey(ANONYMOUS, clientId);
    }

    /** The key in the cluster's map: the client id, then the identity (which may contain anything). */
    public String storeKey() {
        return clientId + "/" + identity;
    }

    /** How logs name the identity. */
    public String identityForLogs() {
        return identity.isEmpty() ? "(anonymous)" : identity;
    }

    @Override
    public String toString() {
        return identityForLogs() + "/" + clientId;
    }
}
