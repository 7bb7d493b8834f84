package io.basalt.scrape.http;

import io.basalt.scrape.config.HttpClientSettings;
import io.basalt.scrape.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The {@code Authorization} header a request carries, from a scrape job's or a remote_write entry's HTTP client
 * config. Credential files are read for every request, as Prometheus does, so a rotated password or token is used
 * from the next request on.
 */
public abstract class RequestAuthorization {

    /** For a config without credentials. */
    public static final RequestAuthorization NONE = new RequestAuthorization() {
        @Override
        public String header() {
            return null;
        }
    };

    /**
     * @return the header value, or {@code null} when the config has no credentials
     * @throws CredentialException when a credential file cannot be read or no OAuth2 token can be had
     */
    public abstract String header();

    /** Whether {@link #header()} may wait on the network, so callers on a shared thread should call it elsewhere. */
    public boolean mayBlock() {
        return false;
    }

    public static RequestAuthorization of(HttpClientSettings settings) {
        HttpClientSettings.BasicAuth basic = settings.basicAuth();
        if (basic != null) {
            return new RequestAuthorization() {
                @Override
                public String header() {
                    String password = read(basic.password(), basic.passwordFile(), "password_file");
                    return "Basic " + Base64.getEncoder().encodeToString(
                            (basic.username() + ":" + password).getBytes(StandardCharsets.UTF_8));
                }
            };
        }
        HttpClientSettings.Authorization auth = settings.authorization();
        if (auth != null) {
            return new RequestAuthorization() {
                @Override
                public String header() {
                    return auth.type() + " " + read(auth.credentials(), auth.credentialsFile(), "credentials_file");
                }
            };
        }
        if (settings.oauth2() != null) {
            return new OAuth2ClientCredentials(settings.oauth2());
        }
        return NONE;
    }

    /** An inline secret, or the file's content without surrounding white space; absent is empty. */
    static String read(Secret inline, Path file, String field) {
        if (inline != null) {
            return inline.value();
        }
        if (file == null) {
            return "";
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        catch (IOException e) {
            throw new CredentialException("cannot read " + field + " " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
