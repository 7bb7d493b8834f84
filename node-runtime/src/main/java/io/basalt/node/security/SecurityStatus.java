package io.basalt.node.security;

import io.basalt.node.status.StatusSection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.env.Environment;

/**
 * The {@code security} part of {@code /api/v1/status}: whether authentication is on and with which users, token
 * names and key source, what this node sends to the next tier, and its TLS bundles. Names only, never a secret.
 */
final class SecurityStatus implements StatusSection {

    private final BasaltSecurityProperties props;

    private final Environment environment;

    SecurityStatus(BasaltSecurityProperties props, Environment environment) {
        this.props = props;
        this.environment = environment;
    }

    @Override
    public String name() {
        return "security";
    }

    @Override
    public Map<String, Object> describe() {
        BasaltSecurityProperties.Auth auth = props.auth();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("enabled", auth.enabled());
        a.put("users", auth.users().stream().map(BasaltSecurityProperties.User::username).toList());
        a.put("tokens", auth.tokens().stream().map(BasaltSecurityProperties.Token::name).toList());
        a.put("jwtKeys", jwtKeys(auth.jwt()));
        a.put("jwtAudience", auth.jwt().configured() ? auth.jwt().audience() : null);
        BasaltSecurityProperties.Client client = props.client();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("credential", credential(client));
        c.put("sslBundle", client.sslBundle());
        c.put("applyToAll", client.applyToAll());
        Map<String, Object> tls = new LinkedHashMap<>();
        tls.put("serverBundle", environment.getProperty("server.ssl.bundle"));
        tls.put("clientAuth", environment.getProperty("server.ssl.client-auth", "none"));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("auth", a);
        all.put("client", c);
        all.put("tls", tls);
        return all;
    }

    private static String jwtKeys(BasaltSecurityProperties.Jwt jwt) {
        if (BasaltSecurityProperties.present(jwt.publicKeyLocation())) {
            return "public-key-location";
        }
        if (BasaltSecurityProperties.present(jwt.jwkSetUri())) {
            return "jwk-set-uri";
        }
        return BasaltSecurityProperties.present(jwt.issuerUri()) ? "issuer-uri" : null;
    }

    private static String credential(BasaltSecurityProperties.Client client) {
        if (BasaltSecurityProperties.present(client.username())) {
            return "basic as " + client.username();
        }
        if (BasaltSecurityProperties.present(client.bearerToken()) || BasaltSecurityProperties.present(
                client.bearerTokenFile()) || BasaltSecurityProperties.present(client.bearerTokenEnv())) {
            return "bearer token";
        }
        if (client.oauth2() != null && BasaltSecurityProperties.present(client.oauth2().tokenUri())) {
            return "oauth2 client credentials as " + client.oauth2().clientId();
        }
        return "none";
    }
}
