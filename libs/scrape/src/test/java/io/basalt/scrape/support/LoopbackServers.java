package io.basalt.scrape.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/** The stubs' HTTP servers: plain, or HTTPS, usually requiring a client certificate (mutual TLS). */
public final class LoopbackServers {

    private LoopbackServers() {
    }

    public static HttpServer create(SSLContext mutualTls) throws IOException {
        return create(mutualTls, true);
    }

    /** @param tls {@code null} for plain HTTP */
    public static HttpServer create(SSLContext tls, boolean requireClientCertificate) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        if (tls == null) {
            return HttpServer.create(loopback, 0);
        }
        HttpsServer server = HttpsServer.create(loopback, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(requireClientCertificate);
                params.setSSLParameters(ssl);
            }
        });
        return server;
    }

    /** The subject of the client's certificate, or {@code ""} for a plain connection. */
    public static String clientSubject(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https)) {
            return "";
        }
        try {
            Certificate[] chain = https.getSSLSession().getPeerCertificates();
            return ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
        }
        catch (SSLPeerUnverifiedException e) {
            return "";
        }
    }

    public static String scheme(HttpServer server) {
        return server instanceof HttpsServer ? "https" : "http";
    }
}
