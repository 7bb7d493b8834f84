package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** scripts/gen-certs.sh: the CA, certificates and secrets the secure launcher, compose and Kubernetes use. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenCertsScriptTest {

    private static final List<String> CERTS = List.of("agent", "insert", "storage", "select", "grafana", "client",
            "mock-exporter", "cluster");

    private static final List<String> USERS = List.of("admin", "grafana", "insert", "select");

    @TempDir
    static Path temp;

    private Path out;

    @BeforeAll
    void generate() {
        assumeTrue(Command.available("openssl"), "openssl is not installed: skipping the certificate script");
        out = temp.resolve("secrets");
        Command run = genCerts();
        assertThat(run.succeeded()).as(run.output()).isTrue();
    }

    private Command genCerts(String... flags) {
        List<String> argv = new java.util.ArrayList<>(List.of("bash", "scripts/gen-certs.sh"));
        argv.addAll(List.of(flags));
        argv.add(out.toString());
        return Command.run(Repository.root(), Map.of("K8S_RELEASE", "prod", "K8S_NAMESPACE", "metrics"),
                Duration.ofMinutes(2), argv);
    }

    private X509Certificate cert(String name) throws Exception {
        try (InputStream in = Files.newInputStream(out.resolve(name + ".crt"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private PrivateKey key(String name) throws Exception {
        String pem = Files.readString(out.resolve(name + ".key"));
        assertThat(pem).as("%s.key is PKCS#8, which Spring Boot's PEM bundles read", name)
                .startsWith("-----BEGIN PRIVATE KEY-----");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private Set<String> names(String cert) throws Exception {
        Set<String> names = new TreeSet<>();
        cert(cert).getSubjectAlternativeNames().forEach(san -> names.add(san.get(1).toString()));
        return names;
    }

    private String read(String file) throws Exception {
        return Files.readString(out.resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    void everyCertificateIsSignedByTheCaAndMatchesItsKey() throws Exception {
        X509Certificate ca = cert("ca");
        for (String name : CERTS) {
            X509Certificate cert = cert(name);
            cert.verify(ca.getPublicKey());
            cert.checkValidity();
            assertThat(cert.getExtendedKeyUsage()).as(name)
                    .contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"); // server and client authentication
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key(name));
            signer.update(name.getBytes(StandardCharsets.UTF_8));
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(cert);
            verifier.update(name.getBytes(StandardCharsets.UTF_8));
            assertThat(verifier.verify(signature)).as("%s.key belongs to %s.crt", name, name).isTrue();
        }
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void certificatesNameLoopbackAndTheComposeAndKubernetesServices() throws Exception {
        for (String name : CERTS) {
            assertThat(names(name)).as(name).contains("localhost", "127.0.0.1");
        }
        assertThat(names("insert")).contains("vminsert-1", "vminsert-2", "prod-insert", "prod-insert.metrics.svc",
                "prod-insert.metrics.svc.cluster.local");
        assertThat(names("storage")).contains("vmstorage-1", "vmstorage-2", "*.prod-storage-headless",
                "*.prod-storage-headless.metrics.svc.cluster.local");
        assertThat(names("select")).contains("vmselect", "vmselect-1", "vmselect-2", "prod-select");
        assertThat(names("agent")).contains("vmagent-us-east-1", "vmagent-sa-east-1", "prod-agent");
        assertThat(names("mock-exporter")).contains("mock-exporter");
        assertThat(names("cluster")).contains("prod-insert", "prod-select", "prod-agent", "*.prod-storage-headless");
    }

    @Test
    void passwordsAreRandomAndTheirHashesAreBcryptOfThem() throws Exception {
        Set<String> passwords = new TreeSet<>();
        for (String user : USERS) {
            String password = read(user + "_password");
            String hash = read(user + "_password_hash");
            assertThat(password).matches("[A-Za-z0-9]{24}");
            assertThat(hash).matches("\\$2[aby]\\$10\\$.{53}");
            assertThat(BCrypt.checkpw(password, hash)).as(user).isTrue();
            passwords.add(password);
        }
        assertThat(passwords).hasSize(USERS.size());
        assertThat(read("agent_token")).matches("[A-Za-z0-9]{40}");
    }

    @Test
    void everySecretTheComposeOverrideMountsIsWritten() {
        Yaml.map(Yaml.file("docker-compose.secure.yml"), "secrets").keySet()
                .forEach(secret -> assertThat(out.resolve(secret)).isRegularFile());
    }

    @Test
    void onlyTheOwnerCanEnterTheDirectoryAndTheCaKeyStaysPrivate() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("ca.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void rerunKeepsWhatExistsReissuesWhatIsMissingAndForceReplacesEverything() throws Exception {
        String ca = read("ca.crt");
        String password = read("admin_password");
        String storage = read("storage.crt");
        Files.delete(out.resolve("select.crt"));

        Command again = genCerts();

        assertThat(again.succeeded()).as(again.output()).isTrue();
        assertThat(read("ca.crt")).isEqualTo(ca);
        assertThat(read("admin_password")).isEqualTo(password);
        assertThat(read("storage.crt")).isEqualTo(storage);
        cert("select").verify(cert("ca").getPublicKey());

        Command force = genCerts("--force");

        assertThat(force.succeeded()).as(force.output()).isTrue();
        assertThat(read("ca.crt")).isNotEqualTo(ca);
        assertThat(read("admin_password")).isNotEqualTo(password);
        cert("storage").verify(cert("ca").getPublicKey());
        assertThat(BCrypt.checkpw(read("admin_password"), read("admin_password_hash"))).isTrue();
    }
}
