package io.basalt.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away CA and certificates made with the openssl command line, laid out as {@code scripts/gen-certs.sh}
 * lays them out ({@code ca.crt}, {@code <name>.crt}, {@code <name>.key}: PEM, SANs localhost and 127.0.0.1), and
 * TLS client contexts that trust it.
 */
final class OpensslPki {

    private final Path dir;

    private OpensslPki(Path dir) {
        this.dir = dir;
    }

    static boolean available() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "openssl"))) {
                return true;
            }
        }
        return false;
    }

    /** Makes the CA and one certificate per name in {@code dir}. */
    static OpensslPki create(Path dir, String... names) throws IOException, InterruptedException {
        OpensslPki pki = new OpensslPki(dir);
        pki.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days",
                "2", "-subj", "/CN=Basalt e2e CA");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        for (String name : names) {
            pki.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                    "-subj", "/CN=" + name);
            pki.openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".crt", "-days", "2", "-extfile", "san.ext");
        }
        return pki;
    }

    /** {@code file:} location of a file of this PKI, as Spring's SSL bundle properties take it. */
    String location(String file) {
        return "file:" + dir.resolve(file);
    }

    /** Trusts the CA; presents {@code identity}'s certificate when it is not {@code null}. */
    SSLContext clientContext(String identity) throws IOException, GeneralSecurityException {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Certificate ca;
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            ca = x509.generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            Certificate cert;
            try (InputStream in = Files.newInputStream(dir.resolve(identity + ".crt"))) {
                cert = x509.generateCertificate(in);
            }
            String pem = Files.readString(dir.resolve(identity + ".key"), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", key, new char[0], new Certificate[] { cert, ca });
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }
}
