package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.BulkServer;
import io.reconnector.cli.demo.ChaosProxy;
import io.reconnector.cli.pki.PkiFiles;
import io.reconnector.edge.Event;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.SessionRejected;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.reconnector.relay.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Identity over TLS, with real processes: a relay that asks every agent for a client
 * certificate, agents and hand-driven clients with certificates of their own, other CAs',
 * expired and revoked ones, or none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestPki pki;
    private TestPki otherCa;
    private Path revoked;
    private BulkServer server;
    private Tunnel tunnel;
    private final List<AutoCloseable> extras = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        pki = new TestPki(TestPki.Maker.PKI, List.of()).issue("alice").issue("mallory").issue("rita").issue("rob")
                .issueExpired("old");
        otherCa = new TestPki(TestPki.Maker.PKI, List.of()).issue("alice");
        revoked = pki.dir.resolve("revoked.txt");
        Files.writeString(revoked, "# nobody yet\n");
        server = BulkServer.untilClientEnds(61);
        tunnel = new Tunnel(pki, "alice", List.of("--revoked", revoked.toString()),
                List.of("--forward", "0:127.0.0.1:" + server.port()));
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : extras) {
            c.close();
        }
        tunnel.close();
        server.close();
    }

    /** A hand-driven client over TLS as {@code identity} (null: no certificate) of {@code ca}. */
    private RawClient tls(TestPki ca, String identity) throws Exception {
        SSLSocket s = (SSLSocket) ca.clientContext(identity).getSocketFactory().createSocket(tunnel.host, Tunnel.RELAY_PORT);
        s.startHandshake();
        return new RawClient(s);
    }

    /**
     * True when a client connecting this way gets not one frame back: refused during the TLS
     * handshake, or closed without an answer to its Start Session.
     */
    private boolean getsNoFrame(java.util.concurrent.Callable<RawClient> connect) throws Exception {
        RawClient c;
        try {
            c = connect.call();
        } catch (IOException e) {
            return true; // the handshake failed: nothing was ever sent to it
        }
        try (c) {
            try {
                c.send(new StartSession(4711));
            } catch (IOException e) {
                return true;
            }
            return c.closedWithoutAFrame(5000);
        }
    }

    /** The relay's certificate as a new transport sees it. */
    private BigInteger servedSerial() throws Exception {
        try (SSLSocket s = (SSLSocket) pki.clientContext("mallory").getSocketFactory()
                .createSocket(tunnel.host, Tunnel.RELAY_PORT)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** An agent as {@code identity} of this PKI, through a chaos proxy of its own, with a forward to the bulk server. */
    private AgentProc agent(String identity, ChaosProxy[] proxy) throws Exception {
        proxy[0] = new ChaosProxy(tunnel.vertx, tunnel.host, Tunnel.RELAY_PORT);
        int port = proxy[0].listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get();
        List<String> args = new ArrayList<>(List.of("agent", "--relay", "127.0.0.1:" + port, "--keepalive", "200ms",
                "--dead-after", "1s", "--backoff-max", "300ms", "--forward", "0:127.0.0.1:" + server.port()));
        args.addAll(pki.agentArgs(identity));
        AgentProc a = AgentProc.start(args, Tunnel.START);
        extras.add(a.proc());
        return a;
    }

    @Test
    void anotherIdentitysReconnectIsRejectedExactlyLikeAnUnknownSession() throws Exception {
        try (RawClient mallory = tls(pki, "mallory")) {
            mallory.send(new ReconnectSession(tunnel.clientId, Serial16.NONE));
            assertEquals(new SessionRejected(tunnel.clientId), mallory.next(SessionRejected.class));
            assertTrue(mallory.closedByRelay(5000));
        }
        long unused = (tunnel.clientId + 1) & 0xFFFF_FFFFL;
        try (RawClient mallory = tls(pki, "mallory")) {
            mallory.send(new ReconnectSession(unused, Serial16.NONE));
            assertEquals(new SessionRejected(unused), mallory.next(SessionRejected.class), "the same answer: no oracle");
            assertTrue(mallory.closedByRelay(5000));
        }
    }

    @Test
    void anotherIdentitysStartMakesItsOwnSessionAndTheVictimsTransferFinishesByteExact() throws Exception {
        int agentMark = tunnel.agent.mark();
        BulkClient app = BulkClient.untilStopped(tunnel.forwardPorts.get(0), 62, 61);
        await("data flows").atMost(WAIT).until(() -> app.received.bytes > (2 << 20));
        try (RawClient mallory = tls(pki, "mallory")) {
            mallory.send(new StartSession(tunnel.clientId));
            assertEquals(new SessionStarted(tunnel.clientId, Serial16.NONE), mallory.next(SessionStarted.class),
                    "mallory gets a session of mallory's own under that id");
            tunnel.relay.await(Event.SESSION_STARTED, e -> "mallory".equals(e.getString("identity"))
                    && e.getLong("client_id") == tunnel.clientId, WAIT);
            tunnel.proxy.resetAll(); // alice's link breaks now: her resume must find her session intact
            tunnel.agent.awaitFrom(agentMark, Event.RESUMED, e -> true, WAIT);
            long seen = app.received.bytes;
            await("more data after the resume").atMost(WAIT).until(() -> app.received.bytes > seen + (2 << 20));
        }
        app.stop();
        app.join(60_000);
        await("the server finished").atMost(WAIT).until(() -> server.results().stream()
                .anyMatch(r -> app.sentSha256 != null && app.sentSha256.equals(r.receivedSha256())));
        BulkServer.Result r = server.results().stream().filter(x -> app.sentSha256.equals(x.receivedSha256()))
                .findFirst().orElseThrow();
        assertNull(app.error);
        assertEquals(r.sentSha256(), app.received.sha256, "alice's download, byte-exact (the server sent "
                + r.sentBytes() + " bytes, the application got " + app.received.describe() + ")");
        assertEquals(1, tunnel.agent.count(Event.NEW_SESSION), "alice's agent never had to start over");
        assertEquals(0, tunnel.agent.count(Event.REJECTED));
    }

    @Test
    void clientsWithoutAValidCertificateNeverGetAFrame() throws Exception {
        int relayMark = tunnel.relay.mark();
        assertTrue(getsNoFrame(() -> tls(pki, null)), "no certificate");
        assertTrue(getsNoFrame(() -> tls(otherCa, "alice")), "another CA's alice");
        assertTrue(getsNoFrame(() -> tls(pki, "old")), "an expired certificate");
        assertTrue(getsNoFrame(() -> new RawClient(new Socket(tunnel.host, Tunnel.RELAY_PORT))), "plaintext");
        assertEquals(0, tunnel.relay.events.subList(relayMark, tunnel.relay.events.size()).stream()
                .filter(e -> Event.SESSION_STARTED.key().equals(e.getString("event"))).count(), "no session started");
    }

    @Test
    void revokingAnIdentityEndsItsSessionAndKeepsItOut() throws Exception {
        ChaosProxy[] proxy = new ChaosProxy[1];
        AgentProc rita = agent("rita", proxy);
        Files.writeString(revoked, "# rita left the company\nidentity rita\n");
        tunnel.relay.await(Event.SESSION_ENDED, e -> "rita".equals(e.getString("identity"))
                && "REVOKED".equals(e.getString("reason")), Duration.ofSeconds(10));
        rita.proc().await(Event.RELAY_LOST, Duration.ofSeconds(10));
        assertTrue(getsNoFrame(() -> tls(pki, "rita")), "a revoked identity gets no frame");
        assertEquals(1, rita.proc().count(Event.NEW_SESSION), "and its agent never gets back in");
    }

    @Test
    void aRotatedRelayCertificateServesNewTransportsWhileSessionsSurvive() throws Exception {
        ChaosProxy[] proxy = new ChaosProxy[1];
        AgentProc rob = agent("rob", proxy);
        BigInteger before = servedSerial();
        int relayMark = tunnel.relay.mark();
        var renewed = pki.renewRelay(List.of());
        Files.writeString(pki.key("relay"), renewed.keyPem());
        Files.writeString(pki.cert("relay"), renewed.certificatePem());
        tunnel.relay.awaitFrom(relayMark, Event.TLS_RELOADED, e -> "certificate".equals(e.getString("files")), WAIT);
        BigInteger after = servedSerial();
        assertEquals(renewed.certificate().getSerialNumber(), after, "new transports get the new certificate");
        assertTrue(!before.equals(after));
        int mark = rob.proc().mark();
        proxy[0].resetAll();
        rob.proc().awaitFrom(mark, Event.RESUMED, e -> true, WAIT);
        assertEquals(1, rob.proc().count(Event.NEW_SESSION), "the session survived the rotation");
    }

    @Test
    void aCertificateSignedByOpensslWithThisCaWorks() throws Exception {
        pki.issueWithOpenssl("ossl");
        ChaosProxy[] proxy = new ChaosProxy[1];
        AgentProc ossl = agent("ossl", proxy);
        BulkClient c = new BulkClient(ossl.forwardPorts().get(0), 63, 1 << 20);
        c.join(30_000);
        assertNull(c.error);
        tunnel.relay.await(Event.SESSION_STARTED, e -> "ossl".equals(e.getString("identity")), WAIT);
    }

    @Test
    void anOpensslMadePkiServesAsWell() throws Exception {
        TestPki openssl = new TestPki(TestPki.Maker.OPENSSL, List.of()).issue("alice");
        try (BulkServer s = BulkServer.untilClientEnds(64, 65);
             Tunnel t = new Tunnel(openssl, "alice", List.of(), List.of("--forward", "0:127.0.0.1:" + s.port()))) {
            BulkClient app = BulkClient.untilStopped(t.forwardPorts.get(0), 65, 64);
            await("data flows").atMost(WAIT).until(() -> app.received.bytes > (1 << 20));
            app.stop();
            app.join(30_000);
            assertNull(app.error);
            t.relay.await(Event.SESSION_STARTED, e -> "alice".equals(e.getString("identity")), WAIT);
            assertTrue(Files.readString(PkiFiles.certificate(openssl.dir, "ca")).contains("BEGIN CERTIFICATE"));
        }
    }
}
