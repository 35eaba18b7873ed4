package io.reconnector.cli.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The certificates a small deployment needs, made with Bouncy Castle: a CA, a relay
 * certificate for the names clients dial, and client certificates whose subject CN is the
 * identity that owns sessions. ECDSA P-256 keys; standard extensions, so openssl and any TLS
 * stack accept them, and openssl-made ones work in their place.
 */
public final class Pki {
    static final String SIGNATURE = "SHA256withECDSA";
    static final Duration CA_LIFETIME = Duration.ofDays(3650);
    /** The longest a publicly trusted server certificate may live; ours follows the same custom. */
    static final Duration RELAY_LIFETIME = Duration.ofDays(397);
    public static final int DEFAULT_CLIENT_DAYS = 90;
    /** Certificates are valid from a little before they are made, for clocks slightly behind. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        public String certificatePem() {
            return pem(certificate);
        }

        public String keyPem() {
            try {
                return pem(new JcaPKCS8Generator(key, null).generate());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Pki() {
    }

    public static Issued newCa(String name) {
        KeyPair kp = keyPair();
        X500Name subject = name(name);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(CA_LIFETIME)), subject, kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            return new Issued(sign(b, kp.getPrivate()), kp.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a CA certificate", e);
        }
    }

    /** A relay certificate for every DNS name and IP address in {@code names} (the first is its CN). */
    public static Issued relay(Issued ca, List<String> names) {
        GeneralName[] san = names.stream().map(n -> isIpAddress(n) ? new GeneralName(GeneralName.iPAddress, n)
                : new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
        return leaf(ca, names.get(0), RELAY_LIFETIME, KeyPurposeId.id_kp_serverAuth, new GeneralNames(san));
    }

    /** A client certificate: its subject CN is the identity that owns the client's sessions. */
    public static Issued client(Issued ca, String identity, Duration lifetime) {
        Instant now = Instant.now();
        return client(ca, identity, now.minus(BACKDATE), now.plus(lifetime));
    }

    /** A client certificate valid from {@code notBefore} to {@code notAfter} (tests make expired ones). */
    public static Issued client(Issued ca, String identity, Instant notBefore, Instant notAfter) {
        return leaf(ca, identity, notBefore, notAfter, KeyPurposeId.id_kp_clientAuth, null);
    }

    private static Issued leaf(Issued ca, String cn, Duration lifetime, KeyPurposeId purpose, GeneralNames san) {
        Instant now = Instant.now();
        return leaf(ca, cn, now.minus(BACKDATE), now.plus(lifetime), purpose, san);
    }

    private static Issued leaf(Issued ca, String cn, Instant notBefore, Instant notAfter, KeyPurposeId purpose,
                               GeneralNames san) {
        KeyPair kp = keyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                    Date.from(notBefore), Date.from(notAfter), name(cn), kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(ca.certificate()));
            if (san != null) {
                b.addExtension(Extension.subjectAlternativeName, false, san);
            }
            return new Issued(sign(b, ca.key()), kp.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a certificate for " + cn, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(issuerKey);
            X509CertificateHolder holder = b.build(signer);
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 keys are part of every JDK", e);
        }
    }

    /** 127 random bits: positive, unique, and unguessable, as RFC 5280 and the CA/B rules ask. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X500Name name(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
    }

    static boolean isIpAddress(String s) {
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || s.contains(":");
    }

    static String pem(Object o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }
}
