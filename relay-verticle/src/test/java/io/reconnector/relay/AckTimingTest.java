package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The relay holds a read's Ack back only a moment (PROTOCOL.md: "within a few milliseconds of
 * going idle"), not until its next tick: a client that sends and hears nothing back still gets
 * each message acked at once. The relay here ticks once a second (a long keepalive and dead
 * interval), so an Ack left to the tick would come up to a second late.
 */
@ExtendWith(VertxExtension.class)
class AckTimingTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    /** Far below the relay's tick of 1 s, far above the Ack's delay of 1 ms. */
    private static final long ACK_WITHIN_MILLIS = 300;
    private static Relay relay;
    /** A destination that accepts and reads nothing back: the relay has nothing for an Ack to ride on. */
    private static ServerSocket silent;

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext ctx) throws Exception {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        RelayOptions options = RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofSeconds(30), Duration.ofSeconds(8),
                Duration.ofSeconds(60), 64 * 1024, "acks");
        assertEquals(1000, options.engineConfig().tickMillis(), "the relay ticks once a second");
        relay = Relay.single(options);
        vertx.deployVerticle(relay).onComplete(ctx.succeedingThenComplete());
    }

    @AfterAll
    static void stop() throws Exception {
        silent.close();
    }

    @Test
    void eachMessageIsAckedWithinMillisecondsWhenNothingGoesBack() throws Exception {
        try (RawClient c = new RawClient(relay.port())) {
            c.send(new StartSession(31));
            assertEquals(new SessionStarted(31, Serial16.NONE), c.next(SessionStarted.class));
            c.send(new NewConnection(0, 1, LOOPBACK, silent.getLocalPort()));
            Connected connected = c.next(Connected.class);
            try (Socket accepted = silent.accept()) {
                c.send(new Ack(connected.messageId(), 256));
                for (int id = 1; id <= 5; id++) {
                    int sent = id;
                    c.send(new Data(id, 1, 256, Buffer.buffer("message " + id)));
                    c.next(Ack.class, a -> a.messageId() == sent, ACK_WITHIN_MILLIS);
                }
            }
        }
    }
}
