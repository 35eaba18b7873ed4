package io.reconnector.edge;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

/** What both sides agree on about TLS: the versions, the engine, and which addresses are loopback. */
public final class Tls {
    /** TLS 1.3, with 1.2 for peers that lack it. */
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    private Tls() {
    }

    /** Set to {@code jdk} to use the JDK's engine even where BoringSSL loads. */
    public static final String ENGINE_PROPERTY = "reconnector.tls.engine";

    /** BoringSSL where netty-tcnative loads (it does on Linux x86-64), the JDK's engine otherwise. */
    public static SSLEngineOptions engine() {
        return openSsl() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
    }

    public static String engineName() {
        return openSsl() ? OpenSsl.versionString() : "the JDK's TLS";
    }

    private static boolean openSsl() {
        return OpenSsl.isAvailable() && !"jdk".equals(System.getProperty(ENGINE_PROPERTY));
    }

    /**
     * Is {@code host} this machine's loopback (127.0.0.0/8, ::1, localhost)? Names other than
     * localhost are not resolved: a name might resolve elsewhere tomorrow, so it is not loopback.
     */
    public static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false; // a name: never taken for loopback, and never looked up here
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
