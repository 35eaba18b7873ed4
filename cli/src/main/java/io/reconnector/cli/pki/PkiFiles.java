package io.reconnector.cli.pki;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A PKI directory: {@code ca.crt} and {@code ca.key}, {@code relay.crt} and {@code relay.key},
 * and {@code NAME.crt} / {@code NAME.key} per agent. Certificates are PEM, keys PEM PKCS#8 and
 * readable by their owner only. Nothing is ever overwritten.
 */
public final class PkiFiles {
    public static final String CA = "ca";
    public static final String RELAY = "relay";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    private PkiFiles() {
    }

    public static Path certificate(Path dir, String name) {
        return dir.resolve(name + ".crt");
    }

    public static Path key(Path dir, String name) {
        return dir.resolve(name + ".key");
    }

    /** Makes the CA and the relay's certificate for {@code relayNames}. */
    public static void init(Path dir, List<String> relayNames) throws IOException {
        if (relayNames.isEmpty()) {
            throw new IllegalArgumentException("give the names agents dial the relay by: --relay-name relay.example.com "
                    + "(repeat it for more names or IP addresses)");
        }
        if (Files.exists(key(dir, CA))) {
            throw new FileAlreadyExistsException(key(dir, CA) + ": this directory already holds a CA; "
                    + "issue agent certificates from it, or init another directory");
        }
        Files.createDirectories(dir);
        Pki.Issued ca = Pki.newCa("reconnector CA " + dir.toAbsolutePath().getFileName());
        write(dir, CA, ca);
        write(dir, RELAY, Pki.relay(ca, relayNames));
    }

    /** Issues an agent certificate for identity {@code name}, valid {@code days}. */
    public static Pki.Issued issue(Path dir, String name, int days) throws IOException {
        if (!NAME.matcher(name).matches() || name.equals(CA) || name.equals(RELAY)) {
            throw new IllegalArgumentException("'" + name + "' cannot be an identity here: use letters, digits and . _ @ -"
                    + " (up to 64), and not 'ca' or 'relay'");
        }
        if (days < 1) {
            throw new IllegalArgumentException("--days must be at least 1");
        }
        if (Files.exists(certificate(dir, name))) {
            throw new FileAlreadyExistsException(certificate(dir, name) + ": already issued; to replace it, revoke it "
                    + "on the relay (--revoked) and issue under a new name");
        }
        Pki.Issued ca = loadCa(dir);
        Pki.Issued agent = Pki.client(ca, name, Duration.ofDays(days));
        write(dir, name, agent);
        return agent;
    }

    public static Pki.Issued loadCa(Path dir) throws IOException {
        Path cert = certificate(dir, CA);
        Path key = key(dir, CA);
        if (!Files.exists(cert) || !Files.exists(key)) {
            throw new IOException(dir + " holds no CA; run: reconnector pki init " + dir + " --relay-name NAME");
        }
        try (Reader c = Files.newBufferedReader(cert); Reader k = Files.newBufferedReader(key)) {
            Object certObject = new PEMParser(c).readObject();
            Object keyObject = new PEMParser(k).readObject();
            if (!(certObject instanceof X509CertificateHolder holder)) {
                throw new IOException(cert + " is not a PEM certificate");
            }
            X509Certificate x509 = new JcaX509CertificateConverter().getCertificate(holder);
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            PrivateKey pk;
            if (keyObject instanceof PrivateKeyInfo info) {
                pk = converter.getPrivateKey(info);
            } else if (keyObject instanceof PEMKeyPair pair) {
                pk = converter.getKeyPair(pair).getPrivate();
            } else {
                throw new IOException(key + " is not a PEM private key (encrypted keys are not read)");
            }
            return new Pki.Issued(x509, pk);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the CA in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code issued} as {@code NAME.crt} and {@code NAME.key} in {@code dir}. */
    public static void write(Path dir, String name, Pki.Issued issued) throws IOException {
        Path key = key(dir, name);
        Files.writeString(key, issued.keyPem());
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the key keeps the directory's default permissions
        }
        Files.writeString(certificate(dir, name), issued.certificatePem());
    }
}
