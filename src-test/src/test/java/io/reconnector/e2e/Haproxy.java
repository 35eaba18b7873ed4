package io.reconnector.e2e;

/** HAProxy configurations for tests that put a real TCP balancer in front of relays. */
final class Haproxy {
    private Haproxy() {
    }

    /** TCP mode, long-lived connections, quick connects and health checks. */
    static String preamble() {
        return """
                global
                  maxconn 256
                defaults
                  mode tcp
                  timeout connect 2s
                  timeout client 1h
                  timeout server 1h
                  timeout check 2s
                """;
    }
}
