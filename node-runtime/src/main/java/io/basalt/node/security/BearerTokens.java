package io.basalt.node.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * Bearer credentials: the configured static tokens first, then, when JWT validation is configured, the token as a
 * JWT. Static tokens are compared as SHA-256 digests in constant time, against every configured token, so neither
 * the length nor the position of a match shows in the timing.
 */
final class BearerTokens implements ReactiveAuthenticationManager {

    private record Known(String name, byte[] digest, TenantScope scope) {
    }

    private final List<Known> tokens;

    private final ReactiveAuthenticationManager jwt;

    private BearerTokens(List<Known> tokens, ReactiveAuthenticationManager jwt) {
        this.tokens = tokens;
        this.jwt = jwt;
    }

    /**
     * @param jwt validates tokens that are no static token, or {@code null} when JWTs are not accepted
     * @throws IllegalStateException for a token without a name or a secret, or a bad tenant
     */
    static BearerTokens of(List<BasaltSecurityProperties.Token> configured, Secrets secrets,
            ReactiveAuthenticationManager jwt) {
        List<Known> tokens = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            BasaltSecurityProperties.Token t = configured.get(i);
            String property = "basalt.security.auth.tokens[" + i + "]";
            if (!BasaltSecurityProperties.present(t.name())) {
                throw new IllegalStateException(property + ".name is required");
            }
            String secret = secrets.read(property + ".token", t.token(), t.tokenFile(), t.tokenEnv());
            if (secret == null) {
                throw new IllegalStateException(property + ": one of token-file, token-env or token is required");
            }
            tokens.add(new Known(t.name(), sha256(secret),
                    TenantScope.ofConfigured(property + ".tenants", t.tenants())));
        }
        return new BearerTokens(List.copyOf(tokens), jwt);
    }

    boolean acceptsAny() {
        return !tokens.isEmpty() || jwt != null;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication presented) {
        if (!(presented instanceof BearerTokenAuthenticationToken bearer)) {
            return Mono.empty();
        }
        byte[] digest = sha256(bearer.getToken());
        Known match = null;
        for (Known k : tokens) {
            if (MessageDigest.isEqual(k.digest, digest) && match == null) {
                match = k;
            }
        }
        if (match != null) {
            return Mono.just(UsernamePasswordAuthenticationToken.authenticated(match.name, null,
                    match.scope.authorities()));
        }
        if (jwt != null) {
            return jwt.authenticate(presented);
        }
        return Mono.error(new BadCredentialsException("unknown bearer token"));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
