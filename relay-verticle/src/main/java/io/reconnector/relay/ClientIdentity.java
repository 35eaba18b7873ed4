package io.reconnector.relay;

import io.reconnector.store.SessionKey;
import io.vertx.core.net.NetSocket;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.math.BigInteger;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Who is on the other end of a client transport: the subject CN of the certificate the client
 * presented (the TLS stack has already checked it chains to the client CA and is in date), and
 * that certificate's serial (null when a forwarding node vouched for the name), or
 * {@link #ANONYMOUS} where no client certificate is asked for.
 */
record ClientIdentity(String name, BigInteger serial) {
    static final ClientIdentity ANONYMOUS = new ClientIdentity(SessionKey.ANONYMOUS, null);

    /** A certificate that names nobody: refused, since sessions belong to names. */
    static final class Unnamed extends Exception {
        Unnamed(String why) {
            super(why);
        }
    }

    boolean anonymous() {
        return name.isEmpty();
    }

    SessionKey key(long clientId) {
        return new SessionKey(name, clientId);
    }

    String forLogs() {
        return anonymous() ? "(anonymous)" : name;
    }

    /** The identity of a socket whose TLS handshake checked a client certificate. */
    static ClientIdentity of(NetSocket socket) throws Unnamed {
        List<Certificate> chain;
        try {
            chain = socket.peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new Unnamed("no client certificate");
        }
        if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
            throw new Unnamed("no client certificate");
        }
        return new ClientIdentity(commonName(leaf), leaf.getSerialNumber());
    }

    static String commonName(X509Certificate cert) throws Unnamed {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && !rdn.getValue().toString().isBlank()) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new Unnamed("an unreadable subject: " + e.getMessage());
        }
        throw new Unnamed("the certificate's subject has no CN: " + cert.getSubjectX500Principal().getName());
    }
}
