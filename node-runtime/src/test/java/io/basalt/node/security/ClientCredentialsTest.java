package io.basalt.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

/** What a node sends to the next tier, per {@code basalt.security.client}. */
class ClientCredentialsTest {

    private final RecordingServer next = new RecordingServer();

    private final ApplicationContextRunner context = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class,
                NodeSecurityAutoConfiguration.class));

    @AfterEach
    void stop() {
        next.close();
    }

    @Test
    void everyWebClientFromBootsBuilderSendsBasicCredentialsReadFromAFileOrTheEnvironment() {
        context.withPropertyValues("basalt.security.client.username=insert",
                "basalt.security.client.password=s3cret")
            .run(ctx -> {
                call(ctx.getBean(WebClient.Builder.class).build());
                assertThat(next.authorizations).containsExactly("Basic aW5zZXJ0OnMzY3JldA==");
            });
    }

    @Test
    void aStaticBearerToken() {
        Secrets env = new Secrets(Map.of("NEXT_TOKEN", "tok-1")::get);
        ClientCredentials credentials = ClientCredentials.of(client(null, null, "NEXT_TOKEN", null), env, null);

        call(credentials.applyTo(WebClient.builder()).build());

        assertThat(next.authorizations).containsExactly("Bearer tok-1");
    }

    @Test
    void clientCredentialsGrantFetchesOneTokenAndReusesItUntilItExpires() {
        var oauth2 = new BasaltSecurityProperties.OAuth2(next.url("/token"), "select", "client-pw", null, null,
                "basalt.read");
        ClientCredentials credentials = ClientCredentials.of(client(null, null, null, oauth2), Secrets.fromSystem(),
                null);
        WebClient web = credentials.applyTo(WebClient.builder()).build();

        call(web);
        call(web);
        call(web);

        assertThat(next.authorizations).containsExactly("Bearer issued-1", "Bearer issued-1", "Bearer issued-1");
        assertThat(next.tokensIssued).hasValue(1);
        assertThat(next.tokenRequestAuthorizations).containsExactly("Basic c2VsZWN0OmNsaWVudC1wdw==");
    }

    @Test
    void theTokenEndpointAndTheNextTierAreReachedOverTlsWithTheClientBundle(@TempDir Path dir) throws IOException {
        TestCertificates ca = new TestCertificates();
        ca.ca().writePem(dir, "ca");
        try (RecordingServer idp = new RecordingServer(ca.clientContext(ca.issue("idp")))) {
            context.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
                    ReactiveHttpClientAutoConfiguration.class))
                .withPropertyValues("spring.ssl.bundle.pem.basalt-client.truststore.certificate=file:"
                        + dir.resolve("ca.crt"), "basalt.security.client.ssl-bundle=basalt-client",
                        "basalt.security.client.oauth2.token-uri=" + idp.url("/token"),
                        "basalt.security.client.oauth2.client-id=insert",
                        "basalt.security.client.oauth2.client-secret=pw")
                .run(ctx -> {
                    ctx.getBean(WebClient.Builder.class).build().get().uri(idp.url("/next")).retrieve()
                        .toBodilessEntity().block(Duration.ofSeconds(10));
                    assertThat(idp.tokensIssued).hasValue(1);
                    assertThat(idp.authorizations).containsExactly("Bearer issued-1");
                });
        }
    }

    @Test
    void aRequestThatCarriesItsOwnAuthorizationKeepsIt() {
        ClientCredentials credentials = ClientCredentials.of(client("insert", "pw", null, null), Secrets.fromSystem(),
                null);

        credentials.applyTo(WebClient.builder()).build().get().uri(next.url("/next"))
            .header("Authorization", "Bearer per-remote-write")
            .retrieve().toBodilessEntity().block(Duration.ofSeconds(10));

        assertThat(next.authorizations).containsExactly("Bearer per-remote-write");
    }

    @Test
    void applyToAllFalseLeavesBootsBuilderAlone() {
        context.withPropertyValues("basalt.security.client.username=insert",
                "basalt.security.client.password=s3cret", "basalt.security.client.apply-to-all=false")
            .run(ctx -> {
                call(ctx.getBean(WebClient.Builder.class).build());
                call(ctx.getBean(ClientCredentials.class).applyTo(ctx.getBean(WebClient.Builder.class)).build());
                assertThat(next.authorizations).containsExactly("<none>", "Basic aW5zZXJ0OnMzY3JldA==");
            });
    }

    @Test
    void nothingConfiguredSendsNothing() {
        context.run(ctx -> {
            call(ctx.getBean(WebClient.Builder.class).build());
            assertThat(ctx.getBean(ClientCredentials.class).configured()).isFalse();
            assertThat(next.authorizations).containsExactly("<none>");
        });
    }

    @Test
    void twoKindsOfCredentialAreRefusedAtStartWithoutShowingTheSecret() {
        assertThatThrownBy(() -> ClientCredentials.of(withBearer("insert", "pw", null, "tok-9", null),
                Secrets.fromSystem(), null))
            .hasMessageContaining("basalt.security.client")
            .hasMessageContaining("username, bearer-token")
            .hasMessageNotContaining("tok-9");
    }

    private void call(WebClient web) {
        web.get().uri(next.url("/next")).retrieve().toBodilessEntity().block(Duration.ofSeconds(10));
    }

    private static BasaltSecurityProperties.Client client(String username, String password, String bearerEnv,
            BasaltSecurityProperties.OAuth2 oauth2) {
        return withBearer(username, password, bearerEnv, null, oauth2);
    }

    private static BasaltSecurityProperties.Client withBearer(String username, String password, String bearerEnv,
            String bearer, BasaltSecurityProperties.OAuth2 oauth2) {
        return new BasaltSecurityProperties.Client(username, password, null, null, bearer, null, bearerEnv, oauth2,
                null, true);
    }
}
