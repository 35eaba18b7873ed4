package io.reconnector.relay;

import io.reconnector.edge.Event;
import io.reconnector.edge.Tls;
import io.reconnector.edge.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * TLS on the client port: TLS 1.3 (1.2 allowed) on BoringSSL where it loads, the JDK's engine
 * otherwise; the relay's certificate and key; client certificates required when a client CA
 * is given; the handshake bounded by the dead interval. The files are checked every few
 * seconds and, when they change (cert-manager rotates them in place), new transports get the
 * new material while open ones carry on; a half-written file is reported and skipped.
 */
final class RelayTls {
    /** How often the files are checked for changes. */
    static final long CHECK_EVERY_MILLIS = 2000;
    static final Set<String> PROTOCOLS = Tls.PROTOCOLS;

    private final Vertx vertx;
    private final TlsFiles files;
    private final long handshakeMillis;
    private final EventLog log;
    private byte[] materialDigest;
    private byte[] revokedDigest;
    /** Read by every shard's port as transports arrive; set on the first shard's loop. */
    private volatile RevocationList revoked = RevocationList.NONE;

    RelayTls(Vertx vertx, TlsFiles files, long handshakeMillis, EventLog log) {
        this.vertx = vertx;
        this.files = files;
        this.handshakeMillis = handshakeMillis;
        this.log = log;
    }

    boolean clientCertificates() {
        return files.clientCa() != null;
    }

    RevocationList revoked() {
        return revoked;
    }

    /** Reads the files and sets TLS up on {@code options}, before the server listens. */
    Future<NetServerOptions> configure(NetServerOptions options) {
        return read().compose(m -> {
            materialDigest = m.digest();
            ServerSSLOptions ssl = m.sslOptions();
            options.setSsl(true).setSslEngineOptions(Tls.engine()).setKeyCertOptions(ssl.getKeyCertOptions())
                    .setEnabledSecureTransportProtocols(PROTOCOLS).setSslHandshakeTimeout(handshakeMillis)
                    .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
            if (ssl.getTrustOptions() != null) {
                options.setTrustOptions(ssl.getTrustOptions()).setClientAuth(ClientAuth.REQUIRED);
            }
            return readRevoked().map(r -> {
                revoked = r.list;
                revokedDigest = r.digest;
                return options;
            });
        });
    }

    /** From now on, checks the files every few seconds; {@code onRevoked} hears of every new list. */
    void watch(NetServer server, Consumer<RevocationList> onRevoked) {
        vertx.setPeriodic(CHECK_EVERY_MILLIS, id -> {
            read().onSuccess(m -> {
                if (!Arrays.equals(m.digest(), materialDigest)) {
                    server.updateSSLOptions(m.sslOptions(), true).onSuccess(changed -> {
                        materialDigest = m.digest();
                        log.info(Event.TLS_RELOADED, "TLS files changed: new transports get the new certificate; "
                                + "open ones carry on", "files", "certificate");
                    }).onFailure(e -> log.warn(Event.TLS_RELOADED, "TLS files changed but cannot be used ("
                            + e.getMessage() + "); keeping the old ones", "files", "certificate"));
                }
            }).onFailure(e -> log.warn(Event.TLS_RELOADED, "TLS files cannot be read (" + e.getMessage()
                    + "); keeping the old ones", "files", "certificate"));
            readRevoked().onSuccess(r -> {
                if (!Arrays.equals(r.digest, revokedDigest)) {
                    revokedDigest = r.digest;
                    revoked = r.list;
                    log.info(Event.TLS_RELOADED, "revocation list changed: " + r.list.size() + " entries", "files", "revoked");
                    onRevoked.accept(r.list);
                }
            }).onFailure(e -> log.warn(Event.TLS_RELOADED, "the revocation list cannot be used (" + e.getMessage()
                    + "); keeping the old one", "files", "revoked"));
        });
    }

    private record Material(ServerSSLOptions sslOptions, byte[] digest) {
    }

    private record Revoked(RevocationList list, byte[] digest) {
    }

    private Future<Material> read() {
        List<Path> paths = files.clientCa() == null ? List.of(files.cert(), files.key())
                : List.of(files.cert(), files.key(), files.clientCa());
        return Future.all(paths.stream().map(p -> vertx.fileSystem().readFile(p.toString())).toList()).map(all -> {
            Buffer cert = all.resultAt(0);
            Buffer key = all.resultAt(1);
            ServerSSLOptions ssl = new ServerSSLOptions()
                    .setKeyCertOptions(new PemKeyCertOptions().addCertValue(cert).addKeyValue(key))
                    .setEnabledSecureTransportProtocols(PROTOCOLS).setSslHandshakeTimeout(handshakeMillis)
                    .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
            MessageDigest d = sha256();
            d.update(cert.getBytes());
            d.update(key.getBytes());
            if (paths.size() == 3) {
                Buffer ca = all.resultAt(2);
                ssl.setTrustOptions(new PemTrustOptions().addCertValue(ca)).setClientAuth(ClientAuth.REQUIRED);
                d.update(ca.getBytes());
            }
            return new Material(ssl, d.digest());
        });
    }

    private Future<Revoked> readRevoked() {
        if (files.revoked() == null) {
            return Future.succeededFuture(new Revoked(RevocationList.NONE, new byte[0]));
        }
        return vertx.fileSystem().readFile(files.revoked().toString()).map(b -> {
            RevocationList list = RevocationList.parse(b.toString());
            return new Revoked(list, sha256().digest(b.getBytes()));
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
