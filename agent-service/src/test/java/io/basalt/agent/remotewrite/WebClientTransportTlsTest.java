package io.basalt.agent.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.agent.support.StubReceiver;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.RemoteWriteConfig;
import io.basalt.scrape.support.TestCertificates;
import io.basalt.wire.remotewrite.RemoteWriteEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.reactive.function.client.WebClient;

/** The remote-write client's TLS as a remote_write entry's {@code tls_config} sets it, against HTTPS receivers. */
class WebClientTransportTlsTest {

    @TempDir
    static Path dir;

    private static StubReceiver localhost;

    /** Its certificate names only insert.example. */
    private static StubReceiver elsewhere;

    private static final byte[] BODY = RemoteWriteEncoder.encode(List.of(TimeSeries.single(
            Labels.of("__name__", "m"), 1000, 1.0)));

    private static final Map<String, String> HEADERS = Map.of("Content-Type", RemoteWriteEncoder.CONTENT_TYPE,
            "Content-Encoding", RemoteWriteEncoder.CONTENT_ENCODING);

    @BeforeAll
    static void receivers() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        certs.issue("agent");
        localhost = new StubReceiver(certs.serverContext(certs.issue("insert")));
        elsewhere = new StubReceiver(certs.serverContext(certs.issue("insert-2", "dns:insert.example")));
    }

    @AfterAll
    static void stop() {
        localhost.close();
        elsewhere.close();
    }

    private static int send(StubReceiver receiver, String tlsConfig) throws Exception {
        RemoteWriteConfig config = AgentConfigLoader.parse("agent.yml", """
                remote_write:
                  - url: %s/api/v1/write
                    tls_config: %s
                """.formatted(receiver.baseUrl(), tlsConfig), dir).remoteWrite().get(0);
        return new WebClientTransport(WebClient.builder(), null, null).forConfig(config)
                .send(config.url(), BODY, HEADERS, Duration.ofSeconds(20));
    }

    @Test
    void writesOverMutualTlsWithTheEntrysClientCertificate() throws Exception {
        int before = localhost.received().size();
        assertThat(send(localhost, "{ca_file: ca.crt, cert_file: agent.crt, key_file: agent.key}")).isEqualTo(204);
        assertThat(localhost.clientSubjects()).last().isEqualTo("CN=agent");
        assertThat(localhost.received()).hasSize(before + 1);
    }

    @Test
    void refusesAReceiverWhoseCertificateNamesAnotherHost() throws Exception {
        int before = elsewhere.requests();
        assertThatThrownBy(() -> send(elsewhere, "{ca_file: ca.crt, cert_file: agent.crt, key_file: agent.key}"))
                .hasStackTraceContaining("SSLHandshakeException");
        assertThat(elsewhere.requests()).isEqualTo(before);

        assertThat(send(elsewhere, "{ca_file: ca.crt, cert_file: agent.crt, key_file: agent.key, "
                + "server_name: insert.example}")).isEqualTo(204);
    }

    @Test
    void refusesAReceiverSignedByACaItWasNotGiven() {
        assertThatThrownBy(() -> send(localhost, "{cert_file: agent.crt, key_file: agent.key}"))
                .hasStackTraceContaining("SSLHandshakeException");
    }

    @Test
    void minVersionLeavesOlderProtocolsOut() throws Exception {
        assertThat(send(localhost, "{ca_file: ca.crt, cert_file: agent.crt, key_file: agent.key, "
                + "min_version: TLS13}")).isEqualTo(204);
    }
}
