package io.basalt.agent.scrape;

import io.basalt.agent.config.HttpClientSettings.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the TLS context for a {@code tls_config}: a custom CA file, or no verification at all when
 * {@code insecure_skip_verify} is set. Client certificates are not supported yet.
 */
final class TlsContexts {

    private TlsContexts() {
    }

    static SSLContext forSettings(TlsSettings tls) {
        try {
            if (tls.insecureSkipVerify()) {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] { new TrustAll() }, new SecureRandom());
                return ctx;
            }
            if (tls.caFile() != null) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                try (InputStream in = Files.newInputStream(Path.of(tls.caFile()))) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        ks.setCertificateEntry("ca-" + i++, c);
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
                return ctx;
            }
            return SSLContext.getDefault();
        }
        catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("invalid tls_config: " + e.getMessage(), e);
        }
    }

    /** What {@code insecure_skip_verify: true} asks for. */
    private static final class TrustAll implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
