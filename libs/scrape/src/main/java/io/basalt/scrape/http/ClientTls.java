package io.basalt.scrape.http;

import io.basalt.scrape.config.HttpClientSettings.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The TLS side of a {@code tls_config}, for both the scrape client and the remote-write client: which CAs to trust,
 * which client certificate to present (mutual TLS), the name to verify and the lowest protocol version. Certificate,
 * key and CA files are re-read when they change, so a rotation needs no reload.
 */
public final class ClientTls {

    /** Newest first, as the JDK lists them. */
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");

    private ClientTls() {
    }

    public static SSLContext sslContext(TlsSettings tls) {
        KeyManager[] keys = null;
        if (tls.hasClientCertificate()) {
            keys = new KeyManager[] { new ReloadingKeyManager(PemSource.of("cert_file", tls.cert(), tls.certFile()),
                    PemSource.of("key_file", tls.key() == null ? null : tls.key().value(), tls.keyFile())) };
        }
        TrustManager trust = new VerifyingTrustManager(PemSource.of("ca_file", tls.ca(), tls.caFile()),
                tls.serverName(), tls.insecureSkipVerify());
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, new TrustManager[] { trust }, new SecureRandom());
            return ctx;
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Changes when one of the CA, certificate or key files does. A client holding pooled connections rebuilds itself
     * when this changes, so that the next request makes a full handshake with the new files, as Prometheus' client
     * does; handshakes on new connections read the files anyway.
     */
    public static String filesVersion(TlsSettings tls) {
        StringBuilder sb = new StringBuilder();
        for (Path file : new Path[] { tls.caFile(), tls.certFile(), tls.keyFile() }) {
            if (file != null) {
                try {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    sb.append(a.lastModifiedTime().toInstant()).append('/').append(a.size()).append('/')
                            .append(a.fileKey());
                }
                catch (IOException e) {
                    sb.append("unreadable");
                }
            }
            sb.append(';');
        }
        return sb.toString();
    }

    /** The protocol versions from {@code min_version} up. */
    public static String[] protocols(TlsSettings tls) {
        List<String> out = new ArrayList<>();
        for (String p : PROTOCOLS) {
            out.add(p);
            if (p.equals(tls.minVersion())) {
                break;
            }
        }
        return out.toArray(String[]::new);
    }

    public static SSLParameters sslParameters(TlsSettings tls) {
        SSLParameters p = new SSLParameters();
        p.setProtocols(protocols(tls));
        if (tls.serverName() != null && !tls.serverName().isEmpty() && !Character.isDigit(tls.serverName().charAt(0))
                && !tls.serverName().contains(":")) {
            // The JDK's HttpClient puts the URL's host here instead when the URL names one; an IP-literal URL keeps
            // it, as Prometheus sends server_name.
            p.setServerNames(List.of(new SNIHostName(tls.serverName())));
        }
        return p;
    }
}
