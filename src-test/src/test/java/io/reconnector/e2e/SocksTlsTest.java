package io.reconnector.e2e;

/** {@link SocksTest} with the agent on TLS and a client certificate. */
class SocksTlsTest extends SocksTest {
    @Override
    Security security() {
        return Security.TLS;
    }
}
