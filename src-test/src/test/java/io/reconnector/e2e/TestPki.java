package io.reconnector.e2e;

import io.reconnector.cli.pki.Pki;
import io.reconnector.cli.pki.PkiFiles;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PKI made for one test run, in a temporary directory: a CA, a relay certificate for the
 * relay's test name and addresses, and agent certificates. Made by the product's own
 * {@code pki} code or by the openssl command line, so each proves the other interchangeable.
 */
final class TestPki {
    /** The name agents verify in the relay's certificate. */
    static final String RELAY_NAME = "relay.test";

    enum Maker { PKI, OPENSSL }

    final Path dir;
    final Maker maker;

    TestPki(Maker maker, List<String> relayAddresses) throws Exception {
        this.maker = maker;
        this.dir = Files.createTempDirectory("pki-" + maker.name().toLowerCase());
        List<String> names = new ArrayList<>(List.of(RELAY_NAME, "localhost"));
        names.addAll(relayAddresses);
        if (maker == Maker.PKI) {
            PkiFiles.init(dir, names);
        } else {
            openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.sec1");
            openssl("pkcs8", "-topk8", "-nocrypt", "-in", "ca.sec1", "-out", "ca.key");
            openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=openssl test CA", "-days", "30",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                    "-out", "ca.crt");
            StringBuilder san = new StringBuilder("subjectAltName=");
            for (String n : names) {
                san.append(san.length() > "subjectAltName=".length() ? "," : "")
                        .append(n.matches("[0-9.]+") ? "IP:" : "DNS:").append(n);
            }
            sign("relay", RELAY_NAME, san + "\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n");
        }
    }

    /** An agent certificate for {@code identity}, made the same way as the rest of this PKI. */
    TestPki issue(String identity) throws Exception {
        if (maker == Maker.PKI) {
            PkiFiles.issue(dir, identity, 1);
        } else {
            sign(identity, identity, "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n");
        }
        return this;
    }

    /** A certificate for {@code identity} signed by this CA with openssl, whoever made the CA. */
    TestPki issueWithOpenssl(String identity) throws Exception {
        sign(identity, identity, "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n");
        return this;
    }

    /** A certificate for {@code identity} that expired yesterday. */
    TestPki issueExpired(String identity) throws Exception {
        Instant now = Instant.now();
        PkiFiles.write(dir, identity, Pki.client(PkiFiles.loadCa(dir), identity, now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1))));
        return this;
    }

    /** A new relay certificate (same CA, new key and serial), as cert-manager would write at renewal. */
    Pki.Issued renewRelay(List<String> relayAddresses) throws IOException {
        List<String> names = new ArrayList<>(List.of(RELAY_NAME, "localhost"));
        names.addAll(relayAddresses);
        return Pki.relay(PkiFiles.loadCa(dir), names);
    }

    Path cert(String name) {
        return PkiFiles.certificate(dir, name);
    }

    Path key(String name) {
        return PkiFiles.key(dir, name);
    }

    List<String> relayArgs() {
        return List.of("--tls-cert", cert("relay").toString(), "--tls-key", key("relay").toString(),
                "--client-ca", cert("ca").toString());
    }

    List<String> agentArgs(String identity) {
        return List.of("--relay-ca", cert("ca").toString(), "--cert", cert(identity).toString(),
                "--key", key(identity).toString(), "--relay-name", RELAY_NAME);
    }

    /** A TLS context for a hand-driven client: trusts this CA; presents {@code identity}'s certificate (none if null). */
    SSLContext clientContext(String identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(cert("ca")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(identity, privateKey(key(identity)), new char[0],
                    new X509Certificate[] {certificate(cert(identity))});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    static X509Certificate certificate(Path pem) throws Exception {
        try (Reader r = Files.newBufferedReader(pem)) {
            return new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) new PEMParser(r).readObject());
        }
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        try (Reader r = Files.newBufferedReader(pem)) {
            return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) new PEMParser(r).readObject());
        }
    }

    /** openssl makes a key and a CSR for {@code cn}, and signs it with this CA's key. */
    private void sign(String name, String cn, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-subj", "/CN=" + cn, "-out", name + ".csr");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-sha256", "-extfile", name + ".ext", "-out", name + ".crt");
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + out);
        }
    }
}
