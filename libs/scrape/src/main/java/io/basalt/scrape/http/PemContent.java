package io.basalt.scrape.http;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Certificates and a private key in PEM text, decoded on first use (PKCS#8, PKCS#1 RSA and SEC1 EC keys, as
 * Prometheus accepts). Malformed text surfaces as {@link IllegalStateException} when read.
 */
final class PemContent {

    private final String text;

    private List<X509Certificate> certificates;

    private PrivateKey privateKey;

    PemContent(String text) {
        this.text = text;
    }

    synchronized List<X509Certificate> getCertificates() {
        decode();
        return certificates;
    }

    /** @return {@code null} when the text holds no key */
    synchronized PrivateKey getPrivateKey() {
        decode();
        return privateKey;
    }

    private void decode() {
        if (certificates != null) {
            return;
        }
        List<X509Certificate> certs = new ArrayList<>();
        PrivateKey key = null;
        JcaX509CertificateConverter certConverter = new JcaX509CertificateConverter();
        JcaPEMKeyConverter keyConverter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                if (block instanceof X509CertificateHolder holder) {
                    certs.add(certConverter.getCertificate(holder));
                }
                else if (block instanceof PEMKeyPair pair) {
                    key = keyConverter.getKeyPair(pair).getPrivate();
                }
                else if (block instanceof PrivateKeyInfo info) {
                    key = keyConverter.getPrivateKey(info);
                }
            }
        }
        catch (IOException | CertificateException e) {
            throw new IllegalStateException("malformed PEM: " + e.getMessage(), e);
        }
        certificates = List.copyOf(certs);
        privateKey = key;
    }
}
