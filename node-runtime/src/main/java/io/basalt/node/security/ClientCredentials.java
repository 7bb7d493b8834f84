package io.basalt.node.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.webclient.autoconfigure.WebClientSsl;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * What this node presents to the next tier ({@code basalt.security.client}): one of HTTP basic, a static bearer
 * token or an OAuth2 client-credentials token (fetched once and reused until shortly before it expires), and the
 * trust (and, for mutual TLS, the key) of an SSL bundle, also used for the token endpoint. A request that already carries an {@code Authorization}
 * header keeps it, so a caller with credentials of its own (the agent's per-remote_write settings) is not
 * overridden. Applied to every WebClient from Boot's builder unless {@code apply-to-all=false}; then call
 * {@link #applyTo} where wanted.
 */
public final class ClientCredentials {

    private static final String REGISTRATION = "basalt-client";

    private final Function<ClientRequest, Mono<String>> authorization;

    private final String sslBundle;

    private final ObjectProvider<WebClientSsl> ssl;

    private ClientCredentials(Function<ClientRequest, Mono<String>> authorization, String sslBundle,
            ObjectProvider<WebClientSsl> ssl) {
        this.authorization = authorization;
        this.sslBundle = sslBundle;
        this.ssl = ssl;
    }

    /** @throws IllegalStateException when more than one kind of credential is set, or a secret cannot be read */
    static ClientCredentials of(BasaltSecurityProperties.Client client, Secrets secrets,
            ObjectProvider<WebClientSsl> ssl) {
        String prefix = "basalt.security.client.";
        String password = secrets.read(prefix + "password", client.password(), client.passwordFile(),
                client.passwordEnv());
        String bearer = secrets.read(prefix + "bearer-token", client.bearerToken(), client.bearerTokenFile(),
                client.bearerTokenEnv());
        BasaltSecurityProperties.OAuth2 oauth2 = client.oauth2();
        boolean basic = BasaltSecurityProperties.present(client.username());
        List<String> kinds = new ArrayList<>();
        if (basic) {
            kinds.add("username");
        }
        if (bearer != null) {
            kinds.add("bearer-token");
        }
        if (oauth2 != null && BasaltSecurityProperties.present(oauth2.tokenUri())) {
            kinds.add("oauth2");
        }
        if (kinds.size() > 1) {
            throw new IllegalStateException(prefix + "*: set at most one of " + String.join(", ", kinds));
        }
        if (password != null && !basic) {
            throw new IllegalStateException(prefix + "password needs " + prefix + "username");
        }
        Function<ClientRequest, Mono<String>> authorization = null;
        if (basic) {
            String header = basicHeader(client.username(), password == null ? "" : password);
            authorization = request -> Mono.just(header);
        }
        else if (bearer != null) {
            String header = "Bearer " + bearer;
            authorization = request -> Mono.just(header);
        }
        String sslBundle = BasaltSecurityProperties.present(client.sslBundle()) ? client.sslBundle() : null;
        ClientCredentials trustOnly = new ClientCredentials(null, sslBundle, ssl);
        if (authorization == null && !kinds.isEmpty()) {
            authorization = clientCredentialsGrant(oauth2, secrets, trustOnly.trustingClient());
        }
        return new ClientCredentials(authorization, sslBundle, ssl);
    }

    /** Whether there is anything to apply. */
    public boolean configured() {
        return authorization != null || sslBundle != null;
    }

    /**
     * A WebClient with the SSL bundle's trust (and key) but no credentials: for fetching tokens and signing keys from
     * an identity provider that has a certificate of the same private CA.
     */
    public WebClient trustingClient() {
        WebClient.Builder builder = WebClient.builder();
        if (sslBundle != null) {
            ssl.getObject().fromBundle(sslBundle).accept(builder);
        }
        return builder.build();
    }

    /** Adds the credentials and the SSL bundle to {@code builder}; does nothing when none are configured. */
    public WebClient.Builder applyTo(WebClient.Builder builder) {
        if (sslBundle != null) {
            ssl.getObject().fromBundle(sslBundle).accept(builder);
        }
        if (authorization != null) {
            builder.filter(authorizationFilter());
        }
        return builder;
    }

    private ExchangeFilterFunction authorizationFilter() {
        return (request, next) -> {
            if (request.headers().containsHeader(HttpHeaders.AUTHORIZATION)) {
                return next.exchange(request);
            }
            return authorization.apply(request)
                .flatMap(value -> next.exchange(ClientRequest.from(request)
                    .headers(h -> h.set(HttpHeaders.AUTHORIZATION, value))
                    .build()));
        };
    }

    private static String basicHeader(String username, String password) {
        HttpHeaders h = new HttpHeaders();
        h.setBasicAuth(username, password);
        return h.getFirst(HttpHeaders.AUTHORIZATION);
    }

    private static Function<ClientRequest, Mono<String>> clientCredentialsGrant(BasaltSecurityProperties.OAuth2 o,
            Secrets secrets, WebClient tokenEndpoint) {
        String prefix = "basalt.security.client.oauth2.";
        if (!BasaltSecurityProperties.present(o.clientId())) {
            throw new IllegalStateException(prefix + "client-id is required with " + prefix + "token-uri");
        }
        String secret = secrets.read(prefix + "client-secret", o.clientSecret(), o.clientSecretFile(),
                o.clientSecretEnv());
        ClientRegistration.Builder registration = ClientRegistration.withRegistrationId(REGISTRATION)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .tokenUri(o.tokenUri())
            .clientId(o.clientId())
            .clientSecret(secret);
        if (BasaltSecurityProperties.present(o.scope())) {
            registration.scope(Arrays.stream(o.scope().split("[,\\s]+")).filter(s -> !s.isEmpty()).toList());
        }
        var registrations = new InMemoryReactiveClientRegistrationRepository(registration.build());
        var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations,
                new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
        var tokenClient = new WebClientReactiveClientCredentialsTokenResponseClient();
        tokenClient.setWebClient(tokenEndpoint);
        manager.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
            .clientCredentials(c -> c.accessTokenResponseClient(tokenClient))
            .build());
        // One fixed principal: the node itself is the client, whoever made the request being served.
        OAuth2AuthorizeRequest authorize = OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION)
            .principal("basalt-node")
            .build();
        return request -> manager.authorize(authorize)
            .map(client -> "Bearer " + client.getAccessToken().getTokenValue());
    }
}
