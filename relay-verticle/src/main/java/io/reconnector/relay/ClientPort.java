package io.reconnector.relay;

import io.reconnector.edge.Event;
import io.reconnector.edge.SocketPipe;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.util.function.Consumer;

/**
 * The port clients reach: TLS if configured (identities checked before any frame), the PROXY
 * protocol if the relay stands behind a balancer that speaks it ({@code --proxy-protocol}: the
 * header names the client's address, which every per-address limit and log line then uses),
 * and the cap on transports per address that have not finished their handshake.
 */
final class ClientPort {
    /** A balancer sends its PROXY header at once; a connection silent this long is not from it. */
    private static final long PROXY_HEADER_TIMEOUT_MILLIS = 5_000;

    private final Relay relay;
    private final RelayOptions options;
    /** The TLS files, read and watched by the first shard's port and used by every shard's. */
    private RelayTls tls;
    private NetServerOptions serverOptions;
    private NetServer server;
    /** Draining: new transports are closed at once (their clients go to another node). */
    private boolean refusingAll;

    ClientPort(Relay relay) {
        this.relay = relay;
        this.options = relay.options();
    }

    /**
     * Reads the TLS files (if any) and makes the server; nothing listens yet. Another shard's
     * port takes the first one's TLS and options: Vert.x serves a shared port with the TLS of
     * the server that bound it.
     */
    Future<Void> configure() {
        if (!relay.shards().isFirst(relay)) {
            ClientPort first = relay.shards().first().clientPort();
            tls = first.tls;
            serverOptions = new NetServerOptions(first.serverOptions);
            server = relay.vertx().createNetServer(serverOptions);
            server.connectHandler(this::accept);
            return Future.succeededFuture();
        }
        NetServerOptions o = new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true)
                .setUseProxyProtocol(options.proxyProtocol()).setProxyProtocolTimeout(PROXY_HEADER_TIMEOUT_MILLIS);
        tls = options.tls() == null ? null
                : new RelayTls(relay.vertx(), options.tls(), options.deadAfter().toMillis(), relay.log());
        return (tls == null ? Future.succeededFuture(o) : tls.configure(o)).map(configured -> {
            serverOptions = configured;
            server = relay.vertx().createNetServer(configured);
            server.connectHandler(this::accept);
            return null;
        });
    }

    /** Listens on {@code port}; the first shard's port watches the TLS files and tells {@code revocationChanged}. */
    Future<Integer> listen(int port, Consumer<RevocationList> revocationChanged) {
        return server.listen(port, options.listen().host()).map(s -> {
            if (tls != null && relay.shards().isFirst(relay)) {
                tls.watch(server, revocationChanged);
            }
            return s.actualPort();
        });
    }

    /** How the port is served, for the start-up line. */
    String describe() {
        return (tls == null ? "plaintext" : "TLS on " + io.reconnector.edge.Tls.engineName()
                + (tls.clientCertificates() ? " with client certificates" : ""))
                + (options.proxyProtocol() ? ", PROXY protocol" : "");
    }

    boolean tls() {
        return tls != null;
    }

    /** From now on every new transport is closed before any frame; open ones carry on. */
    void stopAccepting() {
        refusingAll = true;
    }

    Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /**
     * A client transport arrived (its PROXY header read and its TLS handshake done, if any): it
     * is served only if its address is under the half-open cap and its certificate names
     * someone not revoked; otherwise it is closed before any frame.
     */
    private void accept(NetSocket socket) {
        if (refusingAll) {
            socket.close(); // the client's backoff takes it to another node behind the balancer
            return;
        }
        String address = socket.remoteAddress().hostAddress();
        int cap = options.limits().maxHandshakesPerAddress();
        if (relay.shards().handshakingFrom(address) >= cap) {
            relay.refused(Limits.Limit.HANDSHAKES, "a transport from " + address + ": " + cap
                    + " from there have not finished their handshake");
            socket.close();
            return;
        }
        ClientIdentity identity = ClientIdentity.ANONYMOUS;
        if (tls != null && tls.clientCertificates()) {
            try {
                identity = ClientIdentity.of(socket);
            } catch (ClientIdentity.Unnamed e) {
                refuse(socket, "its certificate names nobody: " + e.getMessage(), RelayMetrics.Rejection.UNNAMED_CERTIFICATE);
                return;
            }
            if (tls.revoked().revokes(identity)) {
                refuse(socket, "identity " + identity.forLogs() + " (certificate serial "
                        + identity.serial().toString(16) + ") is revoked", RelayMetrics.Rejection.REVOKED);
                return;
            }
        }
        new ClientTransport(relay, new SocketPipe(socket), identity);
    }

    private void refuse(NetSocket socket, String why, RelayMetrics.Rejection reason) {
        relay.metrics().rejected(reason);
        relay.log().infoLimited(Event.TRANSPORT_REFUSED, "refused a transport from " + socket.remoteAddress() + ": "
                + why, "reason", reason.name().toLowerCase());
        socket.close();
    }

    /** A transport from {@code address} began waiting for its handshake. */
    void handshakeStarted(String address) {
        relay.shards().handshakeStarted(address);
    }

    /** ... and is done waiting: attached, forwarded, refused or closed. */
    void handshakeEnded(String address) {
        relay.shards().handshakeEnded(address);
    }
}
