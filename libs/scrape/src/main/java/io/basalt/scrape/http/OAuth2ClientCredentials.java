package io.basalt.scrape.http;

import io.basalt.scrape.config.HttpClientSettings;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.StringJoiner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OAuth 2.0 client credentials grant (RFC 6749 section 4.4) as Prometheus' {@code oauth2} block uses it: the
 * client authenticates with HTTP basic auth, the token is cached until ten seconds before it expires, and a changed
 * {@code client_secret_file} fetches a new one.
 */
final class OAuth2ClientCredentials extends RequestAuthorization {

    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

    private static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(30);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClientSettings.OAuth2 config;

    private final HttpClient client;

    private String header;

    private boolean expires;

    private long expiresAtNanos;

    private String secretUsed;

    OAuth2ClientCredentials(HttpClientSettings.OAuth2 config) {
        this.config = config;
        this.client = HttpClient.newBuilder()
                .connectTimeout(TOKEN_TIMEOUT)
                .sslContext(ClientTls.sslContext(config.tls()))
                .sslParameters(ClientTls.sslParameters(config.tls()))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public boolean mayBlock() {
        return true;
    }

    @Override
    public synchronized String header() {
        String secret = read(config.clientSecret(), config.clientSecretFile(), "client_secret_file");
        if (header != null && secret.equals(secretUsed)
                && (!expires || System.nanoTime() - expiresAtNanos < 0)) {
            return header;
        }
        header = null;
        fetch(secret);
        return header;
    }

    private void fetch(String secret) {
        StringJoiner form = new StringJoiner("&");
        form.add("grant_type=client_credentials");
        if (!config.scopes().isEmpty()) {
            form.add("scope=" + encode(String.join(" ", config.scopes())));
        }
        for (Map.Entry<String, String> e : config.endpointParams().entrySet()) {
            form.add(encode(e.getKey()) + "=" + encode(e.getValue()));
        }
        String client = encode(config.clientId()) + ":" + encode(secret);
        HttpRequest request = HttpRequest.newBuilder(config.tokenUrl())
                .timeout(TOKEN_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        client.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new CredentialException("oauth2 token request to " + config.tokenUrl() + " failed: "
                    + e.getClass().getSimpleName());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialException("interrupted fetching an oauth2 token");
        }
        if (response.statusCode() / 100 != 2) {
            throw new CredentialException("oauth2 token endpoint " + config.tokenUrl() + " answered HTTP "
                    + response.statusCode());
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        }
        catch (RuntimeException e) {
            throw new CredentialException("oauth2 token endpoint " + config.tokenUrl() + " sent no JSON");
        }
        String token = body.path("access_token").asString("");
        if (token.isEmpty()) {
            throw new CredentialException("oauth2 token endpoint " + config.tokenUrl() + " sent no access_token");
        }
        String type = body.path("token_type").asString("");
        // Servers often answer "bearer"; the header wants the scheme's canonical spelling.
        if (type.isEmpty() || type.equalsIgnoreCase("bearer")) {
            type = "Bearer";
        }
        long expiresIn = body.path("expires_in").asLong(0);
        expires = expiresIn > 0;
        expiresAtNanos = System.nanoTime() + Duration.ofSeconds(Math.max(0, expiresIn)).minus(EXPIRY_MARGIN).toNanos();
        header = type + " " + token;
        secretUsed = secret;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
