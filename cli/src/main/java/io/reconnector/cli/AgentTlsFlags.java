package io.reconnector.cli;

import io.reconnector.agent.AgentTls;
import io.reconnector.edge.HostPort;
import io.reconnector.edge.Tls;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The agent's TLS flags. TLS whenever any of them is given or the relay is not on loopback;
 * plaintext only when asked for, and off loopback only when insisted on.
 */
final class AgentTlsFlags {
    @Option(names = "--relay-ca", description = "the CA that signed the relay's certificate, PEM "
            + "(default: the system's trust store)")
    Path relayCa;

    @Option(names = "--cert", description = "this agent's certificate, PEM: its subject CN is the identity that owns "
            + "the agent's sessions ('reconnector pki issue DIR NAME' makes one)")
    Path cert;

    @Option(names = "--key", description = "the certificate's private key, PEM (PKCS#8)")
    Path key;

    @Option(names = "--relay-name", description = "the name verified in the relay's certificate and sent as SNI "
            + "(default: the host of --relay)")
    String relayName;

    @Option(names = "--plaintext", description = "no TLS (a relay on loopback, or behind something that does TLS)")
    boolean plaintext;

    @Option(names = "--insecure-plaintext", description = "with --plaintext: allow it to a relay that is not on loopback")
    boolean insecurePlaintext;

    /** The TLS settings, or null for plaintext. */
    AgentTls tls(CommandLine.Model.CommandSpec spec, HostPort relay) {
        boolean tlsFlag = relayCa != null || cert != null || key != null || relayName != null;
        if ((cert == null) != (key == null)) {
            throw Flags.wrong(spec, "--cert and --key go together: give both");
        }
        if (plaintext) {
            if (tlsFlag) {
                throw Flags.wrong(spec, "--plaintext turns TLS off, but --relay-ca, --cert, --key or --relay-name ask "
                        + "for it: drop one or the other");
            }
            if (!Tls.isLoopback(relay.host()) && !insecurePlaintext) {
                throw Flags.wrong(spec, "--plaintext to " + relay + " would send everything in clear over the network: "
                        + "drop --plaintext (TLS is the default), or add --insecure-plaintext if something else "
                        + "encrypts the way");
            }
            return null;
        }
        if (insecurePlaintext) {
            throw Flags.wrong(spec, "--insecure-plaintext only goes with --plaintext");
        }
        if (!tlsFlag && Tls.isLoopback(relay.host())) {
            return null; // a relay on this machine, as in the demo and the README's first steps
        }
        return new AgentTls(Flags.readable(spec, "--relay-ca", relayCa), Flags.readable(spec, "--cert", cert),
                Flags.readable(spec, "--key", key), relayName != null ? relayName : relay.host());
    }
}
