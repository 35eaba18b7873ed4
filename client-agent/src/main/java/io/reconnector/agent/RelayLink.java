package io.reconnector.agent;

import io.reconnector.edge.Event;
import io.reconnector.edge.Failures;
import io.reconnector.edge.HostPort;
import io.reconnector.edge.PipeListener;
import io.reconnector.edge.SocketPipe;
import io.reconnector.edge.Tls;
import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The agent's one transport to the relay. When it breaks — reset, silence, a protocol error,
 * a rejected session — the link detaches the engine and tries again after a {@link Backoff},
 * until the agent stops. A transport the agent abandons ends with a reset, never a FIN: a
 * clean close with no connection open would end the session on the relay.
 */
final class RelayLink {
    /** How much the transport's write queue may hold before the session stops framing. */
    static final int WRITE_QUEUE_BYTES = 1 << 20;

    private final Agent agent;
    private final NetClient client;
    private final Backoff backoff;
    private Transport transport;
    private static final long REPORT_EVERY_NANOS = 60_000_000_000L;
    /** How often the transport's local address is looked for among the interfaces. */
    static final long ADDRESS_CHECK_MILLIS = 3000;
    private long reconnectTimer = -1;
    private long lostAt = -1;
    /** Reconnect attempts not yet reported; the first after a loss is said at once, the rest once a minute. */
    private int unreported;
    private long lastReportAt = -1;
    private String lastWhy;
    private boolean stopping;

    RelayLink(Agent agent) {
        this.agent = agent;
        AgentOptions o = agent.options();
        NetClientOptions options = new NetClientOptions().setTcpNoDelay(true)
                .setConnectTimeout((int) o.connectTimeout().toMillis());
        if (o.tls() != null) {
            AgentTls tls = o.tls();
            options.setSsl(true).setSslEngineOptions(Tls.engine()).setEnabledSecureTransportProtocols(Tls.PROTOCOLS)
                    .setHostnameVerificationAlgorithm("HTTPS")
                    .setSslHandshakeTimeout(o.deadAfter().toMillis()).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
            if (tls.relayCa() != null) {
                options.setTrustOptions(new PemTrustOptions().addCertPath(tls.relayCa().toString()));
            }
            if (tls.cert() != null) {
                options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString())
                        .setKeyPath(tls.key().toString()));
            }
        }
        this.client = agent.vertx().createNetClient(options);
        this.backoff = new Backoff(o.backoffMax().toMillis(), () -> ThreadLocalRandom.current().nextDouble());
        watchLocalAddress();
    }

    boolean attached() {
        return transport != null;
    }

    void connect() {
        if (stopping) {
            return;
        }
        reconnectTimer = -1;
        HostPort relay = agent.options().relay();
        ConnectOptions to = new ConnectOptions().setRemoteAddress(SocketAddress.inetSocketAddress(relay.port(), relay.host()));
        if (agent.options().tls() != null) {
            // The name checked in the relay's certificate and sent as SNI, whatever address we dial.
            // (ConnectOptions does not inherit the client's TLS setting: it must be asked for here.)
            String name = agent.options().tls().relayName();
            to.setSsl(true).setHost(name).setPort(relay.port()).setSniServerName(name);
        }
        client.connect(to).onComplete(ar -> {
            if (stopping) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                scheduleReconnect("cannot reach relay " + agent.options().relay() + ": " + Failures.human(ar.cause()));
                return;
            }
            Transport t = new Transport(new SocketPipe(ar.result()));
            transport = t;
            // The relay stops reading: frame nothing more until its queue drains (bounded memory).
            t.pipe.watchCongestion(WRITE_QUEUE_BYTES, congested -> {
                if (transport == t) {
                    agent.run(agent.engine().transportCongested(congested));
                }
            });
            // Reads are lent to the decoder, and its frames to the engine (FrameDecoder).
            transport.pipe.lendReads().listen(transport);
            transport.pipe.resume();
            agent.run(agent.engine().attach(System.currentTimeMillis()));
        });
    }

    private void scheduleReconnect(String why) {
        if (stopping || reconnectTimer >= 0) {
            return;
        }
        agent.status().down(why);
        long delay = backoff.nextDelayMillis();
        if (backoff.failures() > 1) {
            agent.metrics().reconnecting();
            reportReconnecting(why, delay);
        }
        reconnectTimer = agent.vertx().setTimer(Math.max(1, delay), id -> connect());
    }

    /**
     * Offline, an agent retries every few seconds for as long as it takes: it says so once, then
     * sums up once a minute (with the latest reason), instead of a line per attempt.
     */
    private void reportReconnecting(String why, long delay) {
        long now = System.nanoTime();
        unreported++;
        lastWhy = why;
        if (lastReportAt < 0) {
            agent.log().info(Event.RECONNECTING, "reconnecting in " + (delay >= 1000
                    ? String.format("%.1f s", delay / 1000.0) : delay + " ms") + " (" + why + ")", "delay_ms", delay,
                    "attempts", unreported);
        } else if (now - lastReportAt >= REPORT_EVERY_NANOS) {
            agent.log().info(Event.RECONNECTING, "still reconnecting: " + unreported + " attempts in the last minute"
                    + " (latest: " + lastWhy + ")", "delay_ms", delay, "attempts", unreported);
        } else {
            return;
        }
        lastReportAt = now;
        unreported = 0;
    }

    /**
     * The current transport is probably dead though nothing says so yet (a wake from sleep, a
     * local address that went away): drop it and resume on a new one now rather than wait out
     * the dead interval.
     */
    void suspect(String why) {
        if (transport != null && !stopping) {
            agent.log().info(Event.LINK_SUSPECT, "reconnecting at once: " + why);
            lost(why);
        }
    }

    /**
     * Every few seconds, off the event loop: is the address this transport leaves from still on
     * one of our interfaces? A laptop that moved to another network has lost it, and its
     * transport will never hear from the relay again.
     */
    private void watchLocalAddress() {
        agent.vertx().setPeriodic(ADDRESS_CHECK_MILLIS, id -> {
            Transport t = transport;
            if (stopping) {
                agent.vertx().cancelTimer(id);
                return;
            }
            if (t == null || t.pipe.socket().localAddress() == null) {
                return;
            }
            String host = t.pipe.socket().localAddress().hostAddress();
            agent.vertx().executeBlocking(() -> java.net.NetworkInterface.getByInetAddress(
                    java.net.InetAddress.getByName(host)) != null, false).onComplete(ar -> {
                if (ar.succeeded() && !ar.result() && transport == t) {
                    suspect("the local address " + host + " went away (another network?)");
                }
            });
        });
    }

    /** The current transport is gone, for whatever reason: detach and reconnect. */
    void lost(String why) {
        agent.metrics().attached(false);
        Transport t = transport;
        if (t == null) {
            return;
        }
        transport = null;
        t.pipe.reset();
        agent.run(agent.engine().transportLost());
        if (lostAt < 0 && !stopping) {
            lostAt = System.nanoTime();
            agent.log().info(Event.RELAY_LOST, "lost the relay: " + why);
        }
        if (t.closed != null) {
            t.closed.tryComplete();
        }
        scheduleReconnect(why);
    }

    /** A session was established on the current transport: the next loss starts the backoff over. */
    long established() {
        backoff.reset();
        lastReportAt = -1;
        unreported = 0;
        long since = lostAt;
        lostAt = -1;
        return since;
    }

    /** Takes {@code frames} over: released once written, or at once without a transport. */
    void write(Buffer frames) {
        if (transport != null) {
            transport.pipe.writeOwned(frames);
        } else {
            Payloads.release(frames);
        }
    }

    /**
     * Stopping: no more reconnects. With a transport attached, send our FIN (End Session when
     * no connection is open) and complete once the relay has closed its side, or after
     * {@code waitMillis}.
     */
    Future<Void> stop(long waitMillis) {
        stopping = true;
        if (reconnectTimer >= 0) {
            agent.vertx().cancelTimer(reconnectTimer);
            reconnectTimer = -1;
        }
        Transport t = transport;
        if (t == null) {
            return Future.succeededFuture();
        }
        Promise<Void> closed = Promise.promise();
        t.closed = closed;
        t.pipe.shutdownOutput();
        long timer = agent.vertx().setTimer(waitMillis, id -> closed.tryComplete());
        return closed.future().onComplete(x -> agent.vertx().cancelTimer(timer));
    }

    /** What the first bytes of something that is not a relay suggest it is. */
    private static String notARelay(Buffer first) {
        String start = first.length() == 0 ? "" : first.getString(0, Math.min(first.length(), 8),
                java.nio.charset.StandardCharsets.ISO_8859_1.name());
        return start.startsWith("HTTP") || start.startsWith("<") ? " (it answered in HTTP: a web server, a proxy, "
                + "or a captive portal asking you to log in?)" : " (it answered with something else: the wrong port?)";
    }

    private final class Transport implements PipeListener {
        /** A frame has been decoded from this transport: garbage after that is a protocol error, not a stranger. */
        private boolean framed;
        final SocketPipe pipe;
        final FrameDecoder decoder = new FrameDecoder();
        Promise<Void> closed;

        Transport(SocketPipe pipe) {
            this.pipe = pipe;
        }

        @Override
        public void onData(Buffer data) {
            if (transport != this) {
                return;
            }
            try {
                decoder.feed(data, this::onFrame);
            } catch (ProtocolException e) {
                lost(framed ? "protocol error from the relay: " + e.getMessage()
                        : "not a reconnector relay at " + agent.options().relay() + notARelay(data));
            }
        }

        private void onFrame(Frame f) {
            framed = true;
            if (f instanceof io.reconnector.protocol.frame.Ack a) {
                agent.status().acked(a.messageId(), System.nanoTime());
            }
            if (transport == this) {
                agent.run(agent.engine().receive(f));
            }
        }

        @Override
        public void onReadBatchEnd() {
            if (transport == this) {
                agent.delayedAck().readBatchEnded();
            }
        }

        @Override
        public void onEof() {
            if (closed != null) {
                closed.tryComplete(); // we are stopping and the relay has answered our FIN
            }
            if (transport == this) {
                lost("the relay closed the connection");
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            decoder.discard(); // the pieces of a frame that will never be complete
            if (closed != null) {
                closed.tryComplete();
            }
            if (transport == this) {
                lost(cause == null ? "connection closed" : Failures.human(cause));
            }
        }
    }
}
