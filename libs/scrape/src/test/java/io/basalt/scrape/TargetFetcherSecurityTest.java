package io.basalt.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.basalt.scrape.config.HttpClientSettings.TlsSettings;
import io.basalt.scrape.config.HttpClientSettings;
import io.basalt.scrape.config.Secret;
import io.basalt.scrape.support.StubTarget;
import io.basalt.scrape.support.TestCertificates;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrapes over mutual TLS against a loopback HTTPS target, and with credentials read from files that rotate. */
class TargetFetcherSecurityTest {

    private static final String PAGE = "up_and_running 1\n";

    @TempDir
    static Path dir;

    private static TestCertificates certs;

    private static TestCertificates.Issued agent;

    private static TestCertificates.Issued agent2;

    private static StubTarget https;

    private static StubTarget plain;

    /** Its certificate names only elsewhere.example. */
    private static StubTarget elsewhere;

    private static HttpServer tokenEndpoint;

    private static final AtomicInteger tokens = new AtomicInteger();

    private static final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fetcher-test");
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void targets() throws Exception {
        certs = TestCertificates.create(dir);
        TestCertificates.Issued server = certs.issue("target");
        agent = certs.issue("agent");
        agent2 = certs.issue("agent-2");
        https = new StubTarget(certs.serverContext(server)).page("/metrics", PAGE);
        plain = new StubTarget().page("/metrics", PAGE);
        elsewhere = new StubTarget(certs.serverContext(certs.issue("elsewhere", "dns:elsewhere.example")))
                .page("/metrics", PAGE);
        tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenEndpoint.createContext("/token", exchange -> {
            byte[] answer = ("{\"access_token\":\"scrape-token-" + tokens.incrementAndGet()
                    + "\",\"expires_in\":3600}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        tokenEndpoint.start();
    }

    @AfterAll
    static void stop() {
        https.close();
        plain.close();
        elsewhere.close();
        tokenEndpoint.stop(0);
        executor.shutdownNow();
    }

    private static TlsSettings tls(Path ca, Path cert, Path key, String serverName, boolean skipVerify) {
        return new TlsSettings(null, ca, null, cert, null, key, serverName, skipVerify,
                TlsSettings.DEFAULT_MIN_VERSION);
    }

    private static String fetch(HttpClientSettings settings, String url) throws Exception {
        TargetFetcher fetcher = new TargetFetcher(settings, executor, 1 << 20);
        try {
            return new String(fetcher.fetch(URI.create(url), Duration.ofSeconds(20)).get().body(),
                    StandardCharsets.UTF_8);
        }
        catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static HttpClientSettings withTls(TlsSettings tls) {
        return new HttpClientSettings(null, null, null, tls);
    }

    @Test
    void scrapesOverMutualTlsPresentingTheClientCertificate() throws Exception {
        Path cert = Files.copy(agent.certFile(), dir.resolve("mtls.crt"), StandardCopyOption.REPLACE_EXISTING);
        Path key = Files.copy(agent.keyFile(), dir.resolve("mtls.key"), StandardCopyOption.REPLACE_EXISTING);

        assertThat(fetch(withTls(tls(certs.caFile(), cert, key, null, false)), https.url("/metrics")))
                .isEqualTo(PAGE);
        assertThat(https.clientSubjects()).last().isEqualTo("CN=agent");
    }

    @Test
    void inlinePemWorksLikeFiles() throws Exception {
        TlsSettings inline = new TlsSettings(Files.readString(certs.caFile()), null,
                Files.readString(agent.certFile()), null, new Secret(Files.readString(agent.keyFile())), null, null,
                false, "TLSv1.3");

        assertThat(fetch(withTls(inline), https.url("/metrics"))).isEqualTo(PAGE);
        assertThat(https.clientSubjects()).last().isEqualTo("CN=agent");
    }

    @Test
    void aRotatedClientCertificateIsPresentedFromTheNextScrapeOn() throws Exception {
        Path cert = Files.copy(agent.certFile(), dir.resolve("rotating.crt"), StandardCopyOption.REPLACE_EXISTING);
        Path key = Files.copy(agent.keyFile(), dir.resolve("rotating.key"), StandardCopyOption.REPLACE_EXISTING);
        TargetFetcher fetcher = new TargetFetcher(withTls(tls(certs.caFile(), cert, key, null, false)), executor,
                1 << 20);
        URI url = URI.create(https.url("/metrics"));
        fetcher.fetch(url, Duration.ofSeconds(20)).get();
        assertThat(https.clientSubjects()).last().isEqualTo("CN=agent");

        Files.copy(agent2.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(agent2.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
        // Some file systems keep whole seconds: make the change visible whatever the clock did.
        FileTime later = FileTime.fromMillis(System.currentTimeMillis() + 2000);
        Files.setLastModifiedTime(cert, later);
        Files.setLastModifiedTime(key, later);
        fetcher.fetch(url, Duration.ofSeconds(20)).get();

        assertThat(https.clientSubjects()).last().isEqualTo("CN=agent-2");
    }

    @Test
    void aTargetRequiringAClientCertificateRefusesAScrapeWithoutOne() {
        assertThatThrownBy(() -> fetch(withTls(tls(certs.caFile(), null, null, null, false)), https.url("/metrics")))
                .isInstanceOf(TargetFetcher.ScrapeFailure.class);
    }

    @Test
    void aServerSignedByAnUnknownCaIsNotTrusted() {
        assertThatThrownBy(() -> fetch(withTls(tls(null, agent.certFile(), agent.keyFile(), null, false)),
                https.url("/metrics")))
                .isInstanceOf(TargetFetcher.ScrapeFailure.class)
                .hasMessageContaining("SSLHandshakeException");
    }

    @Test
    void serverNameIsTheNameTheCertificateMustCarry() throws Exception {
        String byAddress = https.url("/metrics");
        assertThat(byAddress).contains("127.0.0.1");

        assertThat(fetch(withTls(tls(certs.caFile(), agent.certFile(), agent.keyFile(), "localhost", false)),
                byAddress)).isEqualTo(PAGE);
        assertThatThrownBy(() -> fetch(withTls(tls(certs.caFile(), agent.certFile(), agent.keyFile(),
                "metrics.example.org", false)), byAddress))
                .isInstanceOf(TargetFetcher.ScrapeFailure.class)
                .hasMessageContaining("not valid for metrics.example.org");
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessServerNameSaysWhichNameToExpect() throws Exception {
        assertThatThrownBy(() -> fetch(withTls(tls(certs.caFile(), agent.certFile(), agent.keyFile(), null, false)),
                elsewhere.url("/metrics")))
                .isInstanceOf(TargetFetcher.ScrapeFailure.class)
                .hasMessageContaining("SSLHandshakeException");

        assertThat(fetch(withTls(tls(certs.caFile(), agent.certFile(), agent.keyFile(), "elsewhere.example", false)),
                elsewhere.url("/metrics"))).isEqualTo(PAGE);
    }

    @Test
    void anOAuth2TokenIsFetchedOnceAndSentWithEveryScrape() throws Exception {
        HttpClientSettings.OAuth2 oauth2 = new HttpClientSettings.OAuth2("scraper", new Secret("s3"), null,
                List.of(), URI.create("http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token"),
                Map.of(), TlsSettings.NONE);
        TargetFetcher fetcher = new TargetFetcher(new HttpClientSettings(null, null, oauth2, TlsSettings.NONE),
                executor, 1 << 20);
        int before = tokens.get();
        fetcher.fetch(URI.create(plain.url("/metrics")), Duration.ofSeconds(20)).get();
        fetcher.fetch(URI.create(plain.url("/metrics")), Duration.ofSeconds(20)).get();

        assertThat(tokens.get()).isEqualTo(before + 1);
        assertThat(plain.authorizations()).last().isEqualTo("Bearer scrape-token-" + tokens.get());
    }

    @Test
    void insecureSkipVerifyAcceptsAnUntrustedServerButStillPresentsTheClientCertificate() throws Exception {
        assertThat(fetch(withTls(tls(null, agent.certFile(), agent.keyFile(), "wrong.example", true)),
                https.url("/metrics"))).isEqualTo(PAGE);
        assertThat(https.clientSubjects()).last().isEqualTo("CN=agent");
    }

    @Test
    void basicAuthPasswordFileAndBearerTokenFileAreReadForEveryScrape() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "first-password\n");
        HttpClientSettings basic = new HttpClientSettings(new HttpClientSettings.BasicAuth("prom", null, password),
                null, null, TlsSettings.NONE);
        TargetFetcher fetcher = new TargetFetcher(basic, executor, 1 << 20);
        URI url = URI.create(plain.url("/metrics"));
        fetcher.fetch(url, Duration.ofSeconds(20)).get();
        assertThat(plain.authorizations()).last().isEqualTo(basic("prom", "first-password"));

        Files.writeString(password, "second-password");
        fetcher.fetch(url, Duration.ofSeconds(20)).get();
        assertThat(plain.authorizations()).last().isEqualTo(basic("prom", "second-password"));

        Path token = Files.writeString(dir.resolve("token"), "token-1\n");
        fetch(new HttpClientSettings(null, new HttpClientSettings.Authorization("Bearer", null, token), null,
                TlsSettings.NONE), plain.url("/metrics"));
        assertThat(plain.authorizations()).last().isEqualTo("Bearer token-1");
    }

    @Test
    void anUnreadableCredentialsFileFailsTheScrapeNamingTheFileNotTheSecret() {
        Path missing = dir.resolve("no-such-token");
        assertThatThrownBy(() -> fetch(new HttpClientSettings(null,
                new HttpClientSettings.Authorization("Bearer", null, missing), null, TlsSettings.NONE),
                plain.url("/metrics")))
                .isInstanceOf(TargetFetcher.ScrapeFailure.class)
                .hasMessage("cannot read credentials_file " + missing + ": NoSuchFileException");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }
}
