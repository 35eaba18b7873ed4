package io.reconnector.e2e;

import java.util.List;

/** How the end-to-end suite's agents reach their relays: plaintext on loopback, or TLS with client certificates. */
enum Security {
    PLAINTEXT,
    TLS;

    /** Three relays made this way; TLS ones get a fresh PKI and an agent certificate for "alice". */
    RelayCluster cluster(List<String> relayArgs) throws Exception {
        return new RelayCluster(relayArgs, this == PLAINTEXT ? null : new TestPki(TestPki.Maker.PKI, List.of()).issue("alice"));
    }

    /** A tunnel made this way; TLS ones get a fresh PKI (made by the product's pki code) and the identity "alice". */
    Tunnel tunnel(List<String> relayArgs, List<String> agentArgs) throws Exception {
        if (this == PLAINTEXT) {
            return new Tunnel(relayArgs, agentArgs);
        }
        TestPki pki = new TestPki(TestPki.Maker.PKI, List.of()).issue("alice");
        return new Tunnel(pki, "alice", relayArgs, agentArgs);
    }
}
