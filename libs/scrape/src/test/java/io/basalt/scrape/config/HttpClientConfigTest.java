package io.basalt.scrape.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Prometheus HTTP client fields (auth, TLS), the scrape limits and the redacted view of a config. */
class HttpClientConfigTest {

    private static final Path DIR = Path.of("/etc/basalt");

    private static AgentConfig parse(String yaml) {
        return AgentConfigLoader.parse("a.yml", yaml, DIR);
    }

    @Test
    void readsEveryAuthAndTlsFieldResolvingFilesAgainstTheConfigDirectory() {
        AgentConfig c = parse("""
                scrape_configs:
                  - job_name: basic
                    basic_auth: {username: u, password_file: secrets/pw}
                    tls_config:
                      ca_file: ca.crt
                      cert_file: /certs/agent.crt
                      key_file: /certs/agent.key
                      server_name: target.example
                      min_version: TLS13
                  - job_name: token
                    bearer_token_file: token
                  - job_name: custom
                    authorization: {type: Token, credentials: abc}
                    tls_config: {insecure_skip_verify: true}
                remote_write:
                  - url: https://insert:8480/api/v1/write
                    oauth2:
                      client_id: agent
                      client_secret_file: /run/secrets/oauth
                      scopes: [write, read]
                      token_url: https://idp/token
                      endpoint_params: {audience: basalt}
                      tls_config: {ca_file: /certs/idp.crt}
                  - url: https://insert:8490/api/v1/write
                    authorization: {credentials_file: /run/secrets/token}
                """);

        HttpClientSettings basic = c.scrapeConfigs().get(0).http();
        assertThat(basic.basicAuth().username()).isEqualTo("u");
        assertThat(basic.basicAuth().password()).isNull();
        assertThat(basic.basicAuth().passwordFile()).isEqualTo(Path.of("/etc/basalt/secrets/pw"));
        HttpClientSettings.TlsSettings tls = basic.tls();
        assertThat(tls.caFile()).isEqualTo(Path.of("/etc/basalt/ca.crt"));
        assertThat(tls.certFile()).isEqualTo(Path.of("/certs/agent.crt"));
        assertThat(tls.keyFile()).isEqualTo(Path.of("/certs/agent.key"));
        assertThat(tls.serverName()).isEqualTo("target.example");
        assertThat(tls.minVersion()).isEqualTo("TLSv1.3");
        assertThat(tls.insecureSkipVerify()).isFalse();

        // bearer_token_file becomes an authorization of type Bearer, as Prometheus converts it.
        HttpClientSettings token = c.scrapeConfigs().get(1).http();
        assertThat(token.authorization()).isEqualTo(new HttpClientSettings.Authorization("Bearer", null,
                Path.of("/etc/basalt/token")));
        assertThat(token.tls()).isEqualTo(HttpClientSettings.TlsSettings.NONE);
        assertThat(token.tls().minVersion()).isEqualTo("TLSv1.2");

        HttpClientSettings custom = c.scrapeConfigs().get(2).http();
        assertThat(custom.authorization().type()).isEqualTo("Token");
        assertThat(custom.authorization().credentials().value()).isEqualTo("abc");
        assertThat(custom.tls().insecureSkipVerify()).isTrue();

        HttpClientSettings.OAuth2 oauth2 = c.remoteWrite().get(0).http().oauth2();
        assertThat(oauth2.clientId()).isEqualTo("agent");
        assertThat(oauth2.clientSecretFile()).isEqualTo(Path.of("/run/secrets/oauth"));
        assertThat(oauth2.scopes()).containsExactly("write", "read");
        assertThat(oauth2.tokenUrl()).isEqualTo(URI.create("https://idp/token"));
        assertThat(oauth2.endpointParams()).isEqualTo(Map.of("audience", "basalt"));
        assertThat(oauth2.tls().caFile()).isEqualTo(Path.of("/certs/idp.crt"));
        assertThat(c.remoteWrite().get(1).http().authorization())
                .isEqualTo(new HttpClientSettings.Authorization("Bearer", null, Path.of("/run/secrets/token")));
    }

    @Test
    void readsTheScrapeLimits() {
        ScrapeLimits limits = parse("""
                scrape_configs:
                  - job_name: x
                    sample_limit: 10
                    target_limit: 2
                    label_limit: 30
                    label_name_length_limit: 40
                    label_value_length_limit: 200
                    body_size_limit: 10MB
                  - job_name: y
                """).scrapeConfigs().get(0).limits();

        assertThat(limits).isEqualTo(new ScrapeLimits(10, 2, 30, 40, 200, 10L << 20));
        assertThat(parse("scrape_configs: [{job_name: y}]").scrapeConfigs().get(0).limits())
                .isEqualTo(ScrapeLimits.NONE);
        assertThat(ByteSize.parse("512KiB")).isEqualTo(512L << 10);
        assertThat(ByteSize.parse("1GB")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("0")).isZero();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            bearer_token: t\\n    bearer_token_file: f                                   | a.yml:4: at most one of bearer_token & bearer_token_file must be configured
            basic_auth: {username: u, password: p, password_file: f}                     | a.yml:3: at most one of basic_auth password & password_file must be configured
            bearer_token_file: f\\n    basic_auth: {username: u}                         | a.yml:3: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured
            authorization: {credentials: c}\\n    bearer_token: t                         | a.yml:3: authorization is not compatible with bearer_token & bearer_token_file
            authorization: {credentials: c, credentials_file: f}                         | a.yml:3: at most one of authorization credentials & credentials_file must be configured
            authorization: {type: Basic, credentials: c}                                 | a.yml:3: authorization type cannot be set to "basic", use "basic_auth" instead
            basic_auth: {username: u}\\n    authorization: {credentials: c}              | a.yml:4: at most one of basic_auth, oauth2 & authorization must be configured
            authorization: {type: Bearer, credential: c}                                 | a.yml:3: field credential not found in scrape_configs[0].authorization
            oauth2: {token_url: 'http://idp/t'}                                          | a.yml:3: oauth2 client_id must be configured
            oauth2: {client_id: a}                                                       | a.yml:3: oauth2 token_url must be configured
            oauth2: {client_id: a, token_url: 'http://idp/t'}\\n    basic_auth: {username: u} | a.yml:3: at most one of basic_auth, oauth2 & authorization must be configured
            oauth2: {client_id: a, token_url: 'http://idp/t', client_secret: s, client_secret_file: f} | a.yml:3: at most one of oauth2 client_secret & client_secret_file must be configured
            oauth2: {client_id: a, token_url: 'http://idp/t', proxy_url: 'http://p'}     | a.yml:3: field proxy_url not found in scrape_configs[0].oauth2
            tls_config: {ca: x, ca_file: f}                                              | a.yml:3: at most one of ca and ca_file must be configured
            tls_config: {cert_file: c}                                                   | a.yml:3: exactly one of key or key_file must be configured when a client certificate is configured
            tls_config: {key_file: k}                                                    | a.yml:3: exactly one of cert or cert_file must be configured when a client key is configured
            tls_config: {cert: c, cert_file: f, key_file: k}                             | a.yml:3: at most one of cert and cert_file must be configured
            tls_config: {min_version: TLS14}                                             | a.yml:3: unknown TLS version: TLS14
            tls_config: {insecure_skip_verify: yes please}                               | a.yml:3: cannot unmarshal "yes please" into a boolean
            tls_config: {ca_fil: f}                                                      | a.yml:3: field ca_fil not found in scrape_configs[0].tls_config
            label_limit: -1                                                              | a.yml:3: label_limit must not be negative
            target_limit: many                                                           | a.yml:3: cannot unmarshal "many" into an integer
            label_value_length_limit: -5                                                 | a.yml:3: label_value_length_limit must not be negative
            body_size_limit: 10                                                          | a.yml:3: invalid size "10"
            body_size_limit: 10XB                                                        | a.yml:3: invalid size "10XB"
            """)
    void refusesAScrapeJobNamingTheLineAndBothFields(String fields, String message) {
        String yaml = "scrape_configs:\n  - job_name: x\n    " + fields.replace("\\n", "\n");
        assertThatThrownBy(() -> AgentConfigLoader.parse("a.yml", yaml, null))
                .isInstanceOf(InvalidAgentConfigException.class)
                .hasMessageStartingWith(message.substring(0, message.indexOf(':', 6) + 1))
                .hasMessageContaining(message.substring(message.indexOf(':', 6) + 2));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            headers: {Authorization: x}                                   | a.yml:3: authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter
            headers: {Content-Type: x}                                    | a.yml:3: Content-Type is a reserved header. It must not be changed
            bearer_token: t\\n    basic_auth: {username: u}               | a.yml:3: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured
            tls_config: {key: k}                                          | a.yml:3: exactly one of cert or cert_file must be configured when a client key is configured
            """)
    void refusesARemoteWriteEntryNamingTheLineAndField(String fields, String message) {
        String yaml = "remote_write:\n  - url: http://insert/api/v1/write\n    " + fields.replace("\\n", "\n");
        assertThatThrownBy(() -> AgentConfigLoader.parse("a.yml", yaml, null))
                .isInstanceOf(InvalidAgentConfigException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            http://writer:hunter2@insert/api/v1/wr ite | invalid remote_write url "http://writer:xxxxx@insert/api/v1/wr ite": Illegal character in path
            ftp://writer:hunter2@insert/api/v1/write   | remote_write url must be http(s)://host[:port]/path, got "ftp://writer:xxxxx@insert/api/v1/write"
            """)
    void aRefusedUrlIsQuotedWithoutItsPassword(String url, String message) {
        assertThatThrownBy(() -> parse("remote_write:\n  - url: " + url + "\n"))
                .hasMessage("a.yml:2: " + message);
    }

    private static final String WITH_SECRETS = """
            global:
              external_labels: {password: visible-label}
            scrape_configs:
              - job_name: basic
                basic_auth: {username: u, password: hunter2-basic}
                tls_config: {cert: CERT-PEM, key: hunter2-key}
                static_configs: [{targets: ['a:1'], labels: {key: visible-too}}]
              - job_name: bearer
                bearer_token: hunter2-bearer
              - job_name: custom
                authorization: {type: Token, credentials: hunter2-credentials}
            remote_write:
              - url: https://writer:hunter2-url@insert/api/v1/write
                oauth2: {client_id: agent, client_secret: hunter2-oauth, token_url: 'https://idp/token',
                         endpoint_params: {client_assertion: hunter2-assertion}}
                headers: {X-Api-Key: hunter2-header, X-Scope-OrgID: hunter2-org}
            """;

    @Test
    void theRedactedViewHidesEverySecretAndKeepsTheRest() {
        AgentConfig c = parse(WITH_SECRETS);

        assertThat(c.redactedYaml()).doesNotContain("hunter2")
                .contains("password: <secret>", "key: <secret>", "credentials: <secret>", "client_secret: <secret>",
                        "bearer_token: <secret>", "https://writer:xxxxx@insert/api/v1/write", "username: u",
                        "password: visible-label", "key: visible-too", "cert: CERT-PEM",
                        "X-Api-Key: <secret>", "X-Scope-OrgID: <secret>", "client_assertion: <secret>");
        // Config objects end up in messages and logs; none of them may print a secret.
        assertThat(c.toString()).doesNotContain("hunter2").contains("<secret>");
        assertThat(c.remoteWrite().get(0).redactedUrl()).isEqualTo("https://writer:xxxxx@insert/api/v1/write");
        assertThat(c.scrapeConfigs().get(0).http().basicAuth().password().value()).isEqualTo("hunter2-basic");
    }
}
