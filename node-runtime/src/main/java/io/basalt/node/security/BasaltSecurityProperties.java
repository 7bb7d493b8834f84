package io.basalt.node.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code basalt.security.*}: who may call this node ({@code auth}) and what it presents to the next tier
 * ({@code client}). Secrets may be given literally, but files and environment variables are the intended way; the
 * {@code toString} of every part that can hold a secret leaves it out.
 */
@ConfigurationProperties("basalt.security")
public record BasaltSecurityProperties(@DefaultValue Auth auth, @DefaultValue Client client) {

    /**
     * @param enabled off by default: every endpoint is open, as without Spring Security
     */
    public record Auth(boolean enabled, @DefaultValue List<User> users, @DefaultValue List<Token> tokens,
            @DefaultValue Jwt jwt) {
    }

    /**
     * An HTTP basic user. Passwords are only accepted as bcrypt hashes.
     *
     * @param tenants the tenants this user may address ({@code "1"} or {@code "1:0"}); empty means any tenant
     */
    public record User(String username, String passwordHash, String passwordHashFile, @DefaultValue List<String> tenants) {

        @Override
        public String toString() {
            return "User[" + username + ", tenants=" + tenants + "]";
        }
    }

    /**
     * A static bearer token.
     *
     * @param name shown in logs and metrics instead of the token
     */
    public record Token(String name, String token, String tokenFile, String tokenEnv,
            @DefaultValue List<String> tenants) {

        @Override
        public String toString() {
            return "Token[" + name + ", tenants=" + tenants + "]";
        }
    }

    /**
     * JWT validation as an OAuth2 resource server; on when one of the key sources is set.
     *
     * @param audience     required with JWT validation: a token's {@code aud} must contain it, so a token the same
     *                     identity provider issued for another application is refused
     * @param tenantsClaim the list claim that binds a token to tenants; a token without it may address no tenant,
     *                     {@code "*"} in it stands for every tenant and the cross-tenant APIs
     */
    public record Jwt(String issuerUri, String jwkSetUri, String publicKeyLocation, String audience,
            @DefaultValue("basalt_tenants") String tenantsClaim) {

        boolean configured() {
            return present(issuerUri) || present(jwkSetUri) || present(publicKeyLocation);
        }
    }

    /**
     * The credentials and trust this node uses for its calls to the next tier; at most one kind of credential.
     *
     * @param applyToAll whether every WebClient built from Boot's {@code WebClient.Builder} gets them; when false,
     *                   only code that applies {@link ClientCredentials} explicitly does
     */
    public record Client(String username, String password, String passwordFile, String passwordEnv,
            String bearerToken, String bearerTokenFile, String bearerTokenEnv, OAuth2 oauth2, String sslBundle,
            @DefaultValue("true") boolean applyToAll) {

        @Override
        public String toString() {
            return "Client[username=" + username + ", oauth2=" + oauth2 + ", sslBundle=" + sslBundle + "]";
        }
    }

    /** The OAuth2 client-credentials grant: a token from {@code tokenUri}, cached until shortly before it expires. */
    public record OAuth2(String tokenUri, String clientId, String clientSecret, String clientSecretFile,
            String clientSecretEnv, String scope) {

        @Override
        public String toString() {
            return "OAuth2[" + tokenUri + ", clientId=" + clientId + ", scope=" + scope + "]";
        }
    }

    static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
