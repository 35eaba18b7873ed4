package io.reconnector.cli.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What pki init and issue write, checked by the JDK's own certificate path validation. */
class PkiTest {
    @TempDir
    Path dir;

    private static X509Certificate read(Path p) throws Exception {
        try (InputStream in = Files.newInputStream(p)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Validates {@code leaf} against {@code ca} as a TLS stack would (PKIX, no revocation lists). */
    private static void validates(X509Certificate ca, X509Certificate leaf) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(leaf)), params);
    }

    @Test
    void initMakesACaAndARelayCertificateForEveryName() throws Exception {
        PkiFiles.init(dir, List.of("relay.example.com", "10.1.2.3"));
        X509Certificate ca = read(dir.resolve("ca.crt"));
        X509Certificate relay = read(dir.resolve("relay.crt"));
        validates(ca, relay);
        assertTrue(ca.getBasicConstraints() >= 0, "the CA is a CA");
        assertEquals(-1, relay.getBasicConstraints(), "the relay's is not");
        assertTrue(relay.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        List<String> sans = relay.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
        assertEquals(List.of("relay.example.com", "10.1.2.3"), sans);
        assertEquals("SHA256withECDSA", relay.getSigAlgName());
    }

    @Test
    void issueMakesAClientCertificateNamedForItsIdentity() throws Exception {
        PkiFiles.init(dir, List.of("localhost"));
        PkiFiles.issue(dir, "alice@laptop", 90);
        X509Certificate ca = read(dir.resolve("ca.crt"));
        X509Certificate alice = read(dir.resolve("alice@laptop.crt"));
        validates(ca, alice);
        assertEquals("CN=alice@laptop", alice.getSubjectX500Principal().getName());
        assertTrue(alice.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "clientAuth");
        long days = Duration.between(Instant.now(), alice.getNotAfter().toInstant()).toDays();
        assertTrue(days >= 89 && days <= 90, days + " days");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(dir.resolve("alice@laptop.key")),
                "the key is readable by its owner only");
        assertTrue(Files.readString(dir.resolve("alice@laptop.key")).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
    }

    @Test
    void twoIssuedCertificatesHaveDifferentSerials() throws Exception {
        PkiFiles.init(dir, List.of("localhost"));
        PkiFiles.issue(dir, "a", 1);
        PkiFiles.issue(dir, "b", 1);
        assertTrue(!read(dir.resolve("a.crt")).getSerialNumber().equals(read(dir.resolve("b.crt")).getSerialNumber()));
    }

    @Test
    void nothingIsOverwrittenAndBadNamesAreRefused() throws Exception {
        PkiFiles.init(dir, List.of("localhost"));
        assertThrows(FileAlreadyExistsException.class, () -> PkiFiles.init(dir, List.of("localhost")));
        PkiFiles.issue(dir, "alice", 90);
        assertThrows(FileAlreadyExistsException.class, () -> PkiFiles.issue(dir, "alice", 90));
        assertThrows(IllegalArgumentException.class, () -> PkiFiles.issue(dir, "../etc/passwd", 90));
        assertThrows(IllegalArgumentException.class, () -> PkiFiles.issue(dir, "ca", 90));
        assertThrows(IllegalArgumentException.class, () -> PkiFiles.issue(dir, "bob", 0));
        assertThrows(java.io.IOException.class, () -> PkiFiles.issue(dir.resolve("empty"), "bob", 1), "no CA there");
    }
}
