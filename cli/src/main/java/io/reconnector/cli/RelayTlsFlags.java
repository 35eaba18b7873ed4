package io.reconnector.cli;

import io.reconnector.edge.HostPort;
import io.reconnector.edge.Tls;
import io.reconnector.relay.TlsFiles;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The relay's TLS flags, and the rule that plaintext stays on loopback unless the operator insists. */
final class RelayTlsFlags {
    @Option(names = "--tls-cert", description = "the relay's certificate chain, PEM (as openssl, cert-manager or "
            + "'reconnector pki init' write it); re-read when it changes")
    Path cert;

    @Option(names = "--tls-key", description = "the certificate's private key, PEM (PKCS#8)")
    Path key;

    @Option(names = "--client-ca", description = "CA bundle, PEM: every agent must present a certificate chaining "
            + "to it, and its subject CN is the identity that owns its sessions")
    Path clientCa;

    @Option(names = "--revoked", description = "identities ('identity NAME') and certificate serials ('serial HEX') "
            + "that may no longer connect, one per line; re-read when it changes")
    Path revoked;

    @Option(names = "--insecure-plaintext", description = "serve plaintext on a non-loopback address (only behind "
            + "something that does TLS for the relay)")
    boolean insecurePlaintext;

    /** The TLS files, or null for plaintext (refused off loopback unless --insecure-plaintext). */
    TlsFiles files(CommandLine.Model.CommandSpec spec, HostPort listen) {
        if ((cert == null) != (key == null)) {
            throw Flags.wrong(spec, "--tls-cert and --tls-key go together: give both");
        }
        if (cert == null) {
            if (clientCa != null || revoked != null) {
                throw Flags.wrong(spec, "client certificates need TLS: give --tls-cert and --tls-key too "
                        + "('reconnector pki init DIR --relay-name NAME' makes them)");
            }
            if (!Tls.isLoopback(listen.host()) && !insecurePlaintext) {
                throw Flags.wrong(spec, "--listen " + listen + " would serve plaintext to the network: give "
                        + "--tls-cert and --tls-key ('reconnector pki init DIR --relay-name NAME' makes them), listen on "
                        + "127.0.0.1, or add --insecure-plaintext if a TLS-terminating proxy sits in front");
            }
            return null;
        }
        if (revoked != null && clientCa == null) {
            throw Flags.wrong(spec, "--revoked names identities, which come from client certificates: give --client-ca too");
        }
        return new TlsFiles(Flags.readable(spec, "--tls-cert", cert), Flags.readable(spec, "--tls-key", key),
                Flags.readable(spec, "--client-ca", clientCa), Flags.readable(spec, "--revoked", revoked));
    }
}
