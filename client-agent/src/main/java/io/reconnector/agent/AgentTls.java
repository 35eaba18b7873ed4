package io.reconnector.agent;

import java.nio.file.Path;

/**
 * How the agent reaches a relay over TLS.
 *
 * @param relayCa   the trust anchor for the relay's certificate, PEM; null: the system's trust store
 * @param cert      the agent's certificate (its identity), PEM; null: none
 * @param key       its private key, PEM (PKCS#8)
 * @param relayName the name verified in the relay's certificate and sent as SNI
 */
public record AgentTls(Path relayCa, Path cert, Path key, String relayName) {
    public AgentTls {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--cert and --key go together");
        }
        if (relayName == null || relayName.isBlank()) {
            throw new IllegalArgumentException("the relay's name is required");
        }
    }
}
