package io.basalt.scrape.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to authenticate to a scrape target or a remote-write receiver: Prometheus' HTTP client config. At most one of
 * {@code basicAuth}, {@code authorization} and {@code oauth2} is set; {@code bearer_token(_file)} arrive as an
 * {@code authorization} of type Bearer, as Prometheus converts them. Credential files are read on every request, so a
 * rotated file takes effect without a reload.
 */
public record HttpClientSettings(BasicAuth basicAuth, Authorization authorization, OAuth2 oauth2, TlsSettings tls) {

    public static final HttpClientSettings NONE = new HttpClientSettings(null, null, null, TlsSettings.NONE);

    /** {@code password} and {@code passwordFile} are never both set; neither means an empty password. */
    public record BasicAuth(String username, Secret password, Path passwordFile) {
    }

    /** The {@code Authorization} header as {@code <type> <credentials>}. */
    public record Authorization(String type, Secret credentials, Path credentialsFile) {
    }

    /** The OAuth 2.0 client credentials grant; the token is fetched from {@code tokenUrl} and renewed as it expires. */
    public record OAuth2(String clientId, Secret clientSecret, Path clientSecretFile, List<String> scopes, URI tokenUrl,
            Map<String, String> endpointParams, TlsSettings tls) {

        /** Endpoint parameter values may be credentials (a client assertion): names only. */
        @Override
        public String toString() {
            return "OAuth2[clientId=" + clientId + ", clientSecret=" + clientSecret + ", clientSecretFile="
                    + clientSecretFile + ", scopes=" + scopes + ", tokenUrl=" + tokenUrl + ", endpointParams="
                    + RemoteWriteConfig.redacted(endpointParams) + ", tls=" + tls + "]";
        }
    }

    /**
     * {@code tls_config}. Each of the CA, the client certificate and its key comes inline (PEM text) or from a file,
     * never both; files are re-read when they change.
     *
     * @param minVersion the lowest JDK protocol name allowed, e.g. {@code TLSv1.2}
     */
    public record TlsSettings(String ca, Path caFile, String cert, Path certFile, Secret key, Path keyFile,
            String serverName, boolean insecureSkipVerify, String minVersion) {

        /** Go's TLS client refuses anything older than TLS 1.2 unless told otherwise. */
        public static final String DEFAULT_MIN_VERSION = "TLSv1.2";

        public static final TlsSettings NONE = new TlsSettings(null, null, null, null, null, null, null, false,
                DEFAULT_MIN_VERSION);

        public boolean hasClientCertificate() {
            return cert != null || certFile != null;
        }
    }
}
