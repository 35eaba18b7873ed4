package io.reconnector.relay;

import java.nio.file.Path;

/**
 * The client port's TLS material, as files on disk (as openssl, {@code reconnector pki} and
 * cert-manager write them), re-read when they change.
 *
 * @param cert     the relay's certificate chain, PEM
 * @param key      its private key, PEM (PKCS#8)
 * @param clientCa the CA bundle client certificates must chain to, PEM; null: no client certificates
 * @param revoked  identities and certificate serials that may no longer connect; null: none
 */
public record TlsFiles(Path cert, Path key, Path clientCa, Path revoked) {
    public TlsFiles {
        if (cert == null || key == null) {
            throw new IllegalArgumentException("TLS needs both a certificate and its key");
        }
        if (revoked != null && clientCa == null) {
            throw new IllegalArgumentException("a revocation list needs client certificates (a client CA)");
        }
    }
}
