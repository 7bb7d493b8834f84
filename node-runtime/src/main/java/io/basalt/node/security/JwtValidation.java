package io.basalt.node.security;

import java.io.IOException;
import java.io.InputStream;
import java.security.interfaces.RSAPublicKey;
import java.util.Collection;
import java.util.List;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Builds the JWT check of {@code basalt.security.auth.jwt}: signature against a public key, a JWK set or the
 * issuer's published keys; expiry and not-before (with Spring Security's default 60 s clock skew); the issuer when
 * one is configured; and the tenants claim turned into a {@link TenantScope}.
 */
final class JwtValidation {

    private JwtValidation() {
    }

    /**
     * @param keyFetcher fetches the JWK set and issuer metadata (trusting the node's client SSL bundle)
     * @return the authentication manager for JWTs, or {@code null} when none of the key sources is configured
     */
    static JwtReactiveAuthenticationManager of(BasaltSecurityProperties.Jwt jwt, WebClient keyFetcher) {
        if (!jwt.configured()) {
            return null;
        }
        NimbusReactiveJwtDecoder decoder;
        if (BasaltSecurityProperties.present(jwt.publicKeyLocation())) {
            decoder = NimbusReactiveJwtDecoder.withPublicKey(publicKey(jwt.publicKeyLocation())).build();
        }
        else if (BasaltSecurityProperties.present(jwt.jwkSetUri())) {
            decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwt.jwkSetUri()).webClient(keyFetcher).build();
        }
        else {
            // Resolved on the first token, so the node starts while the issuer is unreachable.
            decoder = NimbusReactiveJwtDecoder.withIssuerLocation(jwt.issuerUri()).webClient(keyFetcher).build();
        }
        decoder.setJwtValidator(BasaltSecurityProperties.present(jwt.issuerUri())
                ? JwtValidators.createDefaultWithIssuer(jwt.issuerUri())
                : JwtValidators.createDefault());
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
        String claim = jwt.tenantsClaim();
        manager.setJwtAuthenticationConverter(token -> {
            TenantScope scope;
            try {
                scope = scope(token.getClaim(claim));
            }
            catch (IllegalArgumentException e) {
                return Mono.error(new InvalidBearerTokenException("claim " + claim + ": " + e.getMessage()));
            }
            return Mono.just(new JwtAuthenticationToken(token, scope.authorities(), token.getSubject()));
        });
        return manager;
    }

    /** An absent claim binds to no tenant (any tenant may be addressed); a present one, even empty, binds. */
    static TenantScope scope(Object claim) {
        if (claim == null) {
            return TenantScope.ANY;
        }
        if (claim instanceof Collection<?> list) {
            return TenantScope.bound(list.stream().map(String::valueOf).toList());
        }
        return TenantScope.bound(List.of(String.valueOf(claim)));
    }

    private static RSAPublicKey publicKey(String location) {
        Resource resource = new DefaultResourceLoader().getResource(location);
        try (InputStream in = resource.getInputStream()) {
            return RsaKeyConverters.x509().convert(in);
        }
        catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("basalt.security.auth.jwt.public-key-location: cannot read an RSA public "
                    + "key (PEM, X.509) from " + location + ": " + e.getMessage());
        }
    }
}
