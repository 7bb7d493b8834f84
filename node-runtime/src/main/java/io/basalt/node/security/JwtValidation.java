package io.basalt.node.security;

import java.io.IOException;
import java.io.InputStream;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
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
 * one is configured; the audience, always; and the tenants claim turned into a {@link TenantScope}.
 */
final class JwtValidation {

    /** The tenants claim value that stands for every tenant. */
    static final String ALL_TENANTS = "*";

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
        if (!BasaltSecurityProperties.present(jwt.audience())) {
            throw new IllegalStateException("basalt.security.auth.jwt.audience is required when JWTs are accepted: set "
                    + "it to the audience (aud) your identity provider puts in tokens meant for Basalt, so that tokens "
                    + "it issues for other applications are refused");
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
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        if (BasaltSecurityProperties.present(jwt.issuerUri())) {
            validators.add(new JwtIssuerValidator(jwt.issuerUri()));
        }
        validators.add(new JwtAudienceValidator(jwt.audience()));
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(validators));
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
        String claim = jwt.tenantsClaim();
        manager.setJwtAuthenticationConverter(token -> {
            List<GrantedAuthority> authorities;
            try {
                authorities = authorities(claim, token.getClaim(claim));
            }
            catch (IllegalArgumentException e) {
                return Mono.error(new InvalidBearerTokenException("claim " + claim + ": " + e.getMessage()));
            }
            return Mono.just(new JwtAuthenticationToken(token, authorities, token.getSubject()));
        });
        return manager;
    }

    /**
     * Fails closed: a token without the claim may address nothing, since a shared identity provider issues tokens
     * that never heard of Basalt's tenants. {@code "*"} grants every tenant and the cross-tenant APIs, like a basic
     * user bound to no tenant; otherwise the listed tenants, none for an empty list.
     */
    static List<GrantedAuthority> authorities(String claimName, Object claim) {
        if (claim == null) {
            return List.of(TenantAuthorization.missingClaim(claimName));
        }
        List<String> tenants = claim instanceof Collection<?> list ? list.stream().map(String::valueOf).toList()
                : List.of(String.valueOf(claim));
        return tenants.stream().anyMatch(t -> t.strip().equals(ALL_TENANTS)) ? TenantScope.ANY.authorities()
                : TenantScope.bound(tenants).authorities();
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
