package io.reconnector.e2e;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import io.reconnector.edge.Event;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.SessionRejected;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.reconnector.relay.RawClient;
import io.reconnector.relay.Upstream;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.net.ssl.SSLSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Three TLS relays in one cluster: identities hold on every node and across hops; outsiders stay out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIdentityTest {
    private TestPki pki;
    private RelayCluster cluster;

    @BeforeAll
    void start() throws Exception {
        pki = new TestPki(TestPki.Maker.PKI, List.of()).issue("alice").issue("mallory");
        cluster = new RelayCluster(List.of(), pki);
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
    }

    private RawClient tls(int node, String identity) throws Exception {
        SSLSocket s = (SSLSocket) pki.clientContext(identity).getSocketFactory()
                .createSocket(cluster.host(node), RelayCluster.CLIENT_PORT);
        s.startHandshake();
        return new RawClient(s);
    }

    @Test
    void noHazelcastClientCanJoinNotEvenUnderTheDefaultName() {
        ClientConfig config = new ClientConfig();
        config.setClusterName("reconnector");
        config.getNetworkConfig().addAddress(cluster.host(0) + ":" + RelayCluster.CLUSTER_PORT);
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(3000);
        config.setProperty("hazelcast.logging.type", "slf4j");
        assertThrows(IllegalStateException.class, () -> HazelcastClient.newHazelcastClient(config).shutdown());
    }

    @Test
    void anotherIdentityIsRejectedThroughAnotherNodeAndTheOwnerResumesThroughAHop() throws Exception {
        long id = 9001;
        try (Upstream upstream = new Upstream(); RawClient alice = tls(0, "alice")) {
            alice.send(new StartSession(id));
            assertEquals(new SessionStarted(id, Serial16.NONE), alice.next(SessionStarted.class));
            alice.send(new NewConnection(0, 1, Ipv4Address.parse("127.0.0.1"), upstream.port()));
            Connected connected = alice.next(Connected.class);
            alice.send(new Ack(connected.messageId(), 64));
            AtomicBoolean upstreamEnded = upstream.connection(0);

            try (RawClient mallory = tls(1, "mallory")) {
                mallory.send(new ReconnectSession(id, Serial16.NONE));
                assertEquals(new SessionRejected(id), mallory.next(SessionRejected.class), "n2 knows no such session of mallory's");
            }
            try (RawClient mallory = tls(1, "mallory")) {
                mallory.send(new StartSession(id));
                assertEquals(new SessionStarted(id, Serial16.NONE), mallory.next(SessionStarted.class));
            }
            cluster.relays[1].await(Event.SESSION_STARTED, e -> "mallory".equals(e.getString("identity")),
                    Duration.ofSeconds(10));
            assertFalse(upstreamEnded.get(), "mallory's Start on n2 did not touch alice's session on n1");

            // Alice's link breaks; she comes back through n3, which pipes her to her busy session on n1.
            alice.socket.setSoLinger(true, 0);
            alice.close();
            try (RawClient back = tls(2, "alice")) {
                back.send(new ReconnectSession(id, connected.messageId()));
                assertEquals(new SessionStarted(id, 0), back.next(SessionStarted.class), "resumed, through a hop");
                back.send(new Data(1, 1, 64, Buffer.buffer("still mine")));
                assertEquals(Buffer.buffer("still mine"), back.next(Data.class).payload());
            }
            cluster.relays[2].await(Event.TRANSPORT_FORWARDED, e -> e.getLong("client_id") == id, Duration.ofSeconds(5));
            cluster.relays[0].await(Event.SESSION_RESUMED, e -> "alice".equals(e.getString("identity")),
                    Duration.ofSeconds(5));
        }
    }
}
