package io.basalt.agent.config;

/**
 * How to authenticate to a scrape target or a remote-write receiver. At most one of basic auth and a bearer token is
 * set, as Prometheus requires.
 */
public record HttpClientSettings(BasicAuth basicAuth, String bearerToken, String bearerTokenFile, TlsSettings tls) {

    public static final HttpClientSettings NONE = new HttpClientSettings(null, null, null, TlsSettings.NONE);

    public record BasicAuth(String username, String password, String passwordFile) {
    }

    public record TlsSettings(String caFile, String certFile, String keyFile, String serverName,
            boolean insecureSkipVerify) {

        public static final TlsSettings NONE = new TlsSettings(null, null, null, null, false);
    }
}
