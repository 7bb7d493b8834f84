package io.basalt.node.security;

import io.basalt.node.status.StatusSection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webclient.autoconfigure.WebClientSsl;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.MatcherSecurityWebFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * {@code basalt.security.*} for every service. Off by default, the filter chain is empty: no login page, no
 * generated password, no CSRF check, no session, no extra headers, exactly as without Spring Security. On, requests
 * need HTTP basic, a static bearer token or a JWT, except the health probes; the credential's tenant binding is
 * checked against the path; nothing is kept between requests.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration" },
        afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@EnableConfigurationProperties(BasaltSecurityProperties.class)
public class NodeSecurityAutoConfiguration {

    /** Paths every orchestrator and load balancer probes without credentials. */
    static final String[] OPEN_PATHS = { "/actuator/health", "/actuator/health/liveness",
            "/actuator/health/readiness", "/health" };

    private static final Logger log = LoggerFactory.getLogger(NodeSecurityAutoConfiguration.class);

    @Bean
    ClientCredentials basaltClientCredentials(BasaltSecurityProperties props, ObjectProvider<WebClientSsl> ssl) {
        return ClientCredentials.of(props.client(), Secrets.fromSystem(), ssl);
    }

    @Bean
    StatusSection basaltSecurityStatus(BasaltSecurityProperties props, Environment environment) {
        return new SecurityStatus(props, environment);
    }

    /**
     * Opt out with {@code basalt.security.client.apply-to-all=false} and apply {@link ClientCredentials} by hand. Last
     * in order, so its SSL connector replaces the one Boot's own connector customizer sets.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    @ConditionalOnProperty(name = "basalt.security.client.apply-to-all", havingValue = "true", matchIfMissing = true)
    WebClientCustomizer basaltClientCredentialsCustomizer(ClientCredentials credentials) {
        return credentials::applyTo;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @EnableWebFluxSecurity
    static class Server {

        @Bean
        SecurityWebFilterChain basaltSecurityFilterChain(BasaltSecurityProperties props, ClientCredentials client,
                ObjectProvider<ServerHttpSecurity> http, ObjectProvider<MeterRegistry> registry) {
            BasaltSecurityProperties.Auth auth = props.auth();
            if (!auth.enabled()) {
                // Spring Security wants at least one filter in a chain: one that only passes the request on.
                WebFilter open = (exchange, chain) -> chain.filter(exchange);
                return new MatcherSecurityWebFilterChain(ServerWebExchangeMatchers.anyExchange(), List.of(open));
            }
            return secured(auth, client, http.getObject(), registry.getIfAvailable(SimpleMeterRegistry::new));
        }

        private static SecurityWebFilterChain secured(BasaltSecurityProperties.Auth auth, ClientCredentials client,
                ServerHttpSecurity http, MeterRegistry registry) {
            Secrets secrets = Secrets.fromSystem();
            BasicUsers users = auth.users().isEmpty() ? null : BasicUsers.of(auth.users(), secrets);
            BearerTokens bearer = BearerTokens.of(auth.tokens(), secrets, JwtValidation.of(auth.jwt(), client.trustingClient()));
            List<String> challenges = new ArrayList<>();
            if (users != null || !bearer.acceptsAny()) {
                challenges.add("Basic realm=\"basalt\"");
            }
            if (bearer.acceptsAny()) {
                challenges.add("Bearer realm=\"basalt\"");
            }
            log.info("Authentication on: {} basic user(s), {} static token(s), JWT {}", auth.users().size(),
                    auth.tokens().size(), auth.jwt().configured() ? "accepted" : "not accepted");
            Refusals refusals = new Refusals(challenges, registry);
            http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(c -> c.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .exceptionHandling(e -> e.authenticationEntryPoint(refusals).accessDeniedHandler(refusals))
                .authorizeExchange(a -> a.pathMatchers(OPEN_PATHS).permitAll()
                    .anyExchange().access(new TenantAuthorization()));
            if (users != null) {
                http.httpBasic(b -> b.authenticationManager(users).authenticationEntryPoint(refusals));
            }
            else {
                http.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable);
            }
            if (bearer.acceptsAny()) {
                http.oauth2ResourceServer(o -> o.authenticationManagerResolver(exchange -> Mono.just(bearer))
                    .authenticationEntryPoint(refusals)
                    .accessDeniedHandler(refusals));
            }
            return http.build();
        }
    }
}
