package io.basalt.scrape.http;

import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks the server's certificate as a {@code tls_config} asks: against the {@code ca}/{@code ca_file} CAs (re-read
 * when the file changes) or the JDK's default ones, and for the host in {@code server_name} when one is set, otherwise
 * for the host the request went to; or not at all with {@code insecure_skip_verify}.
 */
final class VerifyingTrustManager extends X509ExtendedTrustManager {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private static final int SAN_DNS = 2;

    private static final int SAN_IP = 7;

    private final PemSource ca;

    private final String serverName;

    private final boolean skipVerify;

    private Object loadedVersion;

    private X509ExtendedTrustManager delegate;

    /** @param skipVerify what {@code insecure_skip_verify: true} asks for: any certificate, any name */
    VerifyingTrustManager(PemSource ca, String serverName, boolean skipVerify) {
        this.ca = ca;
        this.serverName = serverName;
        this.skipVerify = skipVerify;
    }

    private synchronized X509ExtendedTrustManager delegate() throws CertificateException {
        Object version;
        try {
            version = ca == null ? "default" : String.valueOf(ca.version());
        }
        catch (CredentialException e) {
            throw new CertificateException(e.getMessage());
        }
        if (delegate != null && version.equals(loadedVersion)) {
            return delegate;
        }
        try {
            KeyStore store = null;
            if (ca != null) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                List<X509Certificate> certificates = ca.content().getCertificates();
                for (int i = 0; i < certificates.size(); i++) {
                    store.setCertificateEntry("ca-" + i, certificates.get(i));
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    delegate = x;
                    loadedVersion = version;
                    return x;
                }
            }
            throw new CertificateException("no X.509 trust manager available");
        }
        catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            throw new CertificateException("cannot load the CA certificates of " + (ca == null ? "the JDK"
                    : ca.field()) + ": " + e.getMessage(), e);
        }
    }

    /** One of the delegate's checks, the one matching how the JDK called us. */
    @FunctionalInterface
    private interface Check {

        void run(X509ExtendedTrustManager trust) throws CertificateException;
    }

    /**
     * With a {@code server_name}, the chain is checked without the delegate's host check, then against that name;
     * otherwise the delegate checks both, against the host the connection went to.
     */
    private void checkServer(X509Certificate[] chain, String authType, Check withHostCheck)
            throws CertificateException {
        if (skipVerify) {
            return;
        }
        if (serverName == null) {
            withHostCheck.run(delegate());
        }
        else {
            delegate().checkServerTrusted(chain, authType);
            verifyName(chain[0], serverName);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServer(chain, authType, trust -> trust.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServer(chain, authType, trust -> trust.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServer(chain, authType, trust -> trust.checkServerTrusted(chain, authType));
    }

    /** Subject alternative names only, as Go checks them: no common-name fallback, one wildcard label at most. */
    static void verifyName(X509Certificate leaf, String name) throws CertificateException {
        boolean ip = IPV4.matcher(name).matches() || name.contains(":");
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        }
        catch (CertificateParsingException e) {
            throw new CertificateException("cannot read the certificate's names: " + e.getMessage(), e);
        }
        if (sans != null) {
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                String value = String.valueOf(san.get(1));
                if (ip && type == SAN_IP && sameAddress(value, name)) {
                    return;
                }
                if (!ip && type == SAN_DNS && dnsMatches(value, name)) {
                    return;
                }
            }
        }
        throw new CertificateException("x509: certificate is not valid for " + name);
    }

    private static boolean sameAddress(String a, String b) {
        try {
            // Both are literals, so no name lookup happens.
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        }
        catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean dnsMatches(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(p.substring(1));
        }
        return p.equals(h);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        if (skipVerify) {
            return new X509Certificate[0];
        }
        try {
            return delegate().getAcceptedIssuers();
        }
        catch (CertificateException e) {
            return new X509Certificate[0];
        }
    }
}
