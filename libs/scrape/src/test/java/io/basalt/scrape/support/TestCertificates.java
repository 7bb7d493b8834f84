package io.basalt.scrape.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away CA and certificates it signs, made with the JDK's keytool (no network, no extra library) and written
 * as PEM files the way an operator's tooling would write them: {@code <name>.crt} (leaf then CA) and
 * {@code <name>.key} (PKCS#8).
 */
public final class TestCertificates {

    private static final String PASSWORD = "changeit";

    private final Path dir;

    private final Path store;

    /** One certificate and its key, as files and as objects. */
    public record Issued(String name, Path certFile, Path keyFile, X509Certificate[] chain, PrivateKey key) {
    }

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.store = dir.resolve("store.p12");
    }

    /** A new CA in {@code dir}; its certificate is {@code dir/ca.crt}. */
    public static TestCertificates create(Path dir) throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        certs.keytool("-genkeypair", "-alias", "ca", "-dname", "CN=basalt-test-ca", "-ext", "bc:c");
        X509Certificate ca = (X509Certificate) certs.load().getCertificate("ca");
        Files.writeString(dir.resolve("ca.crt"), pem("CERTIFICATE", ca.getEncoded()));
        return certs;
    }

    public Path caFile() {
        return dir.resolve("ca.crt");
    }

    /** A certificate for {@code CN=name}, valid for localhost and 127.0.0.1, for servers and clients alike. */
    public Issued issue(String name) throws Exception {
        return issue(name, "dns:localhost,ip:127.0.0.1");
    }

    /** @param san keytool's subject alternative names, e.g. {@code dns:metrics.example,ip:10.0.0.1} */
    public Issued issue(String name, String san) throws Exception {
        keytool("-genkeypair", "-alias", name, "-dname", "CN=" + name, "-signer", "ca",
                "-ext", "SAN=" + san, "-ext", "EKU=serverAuth,clientAuth");
        KeyStore ks = load();
        Certificate[] chain = ks.getCertificateChain(name);
        PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD.toCharArray());
        StringBuilder certs = new StringBuilder();
        List<X509Certificate> x509 = new ArrayList<>();
        for (Certificate c : chain) {
            certs.append(pem("CERTIFICATE", c.getEncoded()));
            x509.add((X509Certificate) c);
        }
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(certFile, certs);
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return new Issued(name, certFile, keyFile, x509.toArray(X509Certificate[]::new), key);
    }

    /** A server's TLS context presenting {@code server}, trusting this CA for client certificates. */
    public SSLContext serverContext(Issued server) throws GeneralSecurityException, IOException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", server.key(), PASSWORD.toCharArray(), server.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", load().getCertificate("ca"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private KeyStore load() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        cmd.addAll(1, List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("keytool did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
