package io.basalt.scrape.http;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers the {@code tls_config} client certificate on every handshake, re-reading the certificate and key files when
 * they change. Like Go's client it offers the certificate whatever CAs the server asks for; the server decides.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final System.Logger log = System.getLogger(ReloadingKeyManager.class.getName());

    private final PemSource cert;

    private final PemSource key;

    /** The pair handed out last, under an alias that changes with it, so a rotation mid-handshake stays coherent. */
    private volatile Pair current;

    private volatile Pair previous;

    private record Pair(String alias, Object version, X509Certificate[] chain, PrivateKey key) {
    }

    ReloadingKeyManager(PemSource cert, PemSource key) {
        this.cert = cert;
        this.key = key;
    }

    private synchronized Pair load() {
        List<Object> version = List.of(String.valueOf(cert.version()), String.valueOf(key.version()));
        Pair pair = current;
        if (pair != null && pair.version().equals(version)) {
            return pair;
        }
        List<X509Certificate> chain = cert.content().getCertificates();
        PrivateKey privateKey;
        try {
            privateKey = key.content().getPrivateKey();
        }
        catch (RuntimeException e) {
            throw new CredentialException("cannot read the client key (" + key.field() + "): "
                    + e.getClass().getSimpleName());
        }
        if (chain.isEmpty() || privateKey == null) {
            throw new CredentialException("no client certificate or key found in " + cert.field() + " / "
                    + key.field());
        }
        int generation = pair == null ? 0 : Integer.parseInt(pair.alias().substring("client-".length())) + 1;
        previous = pair;
        current = new Pair("client-" + generation, version, chain.toArray(X509Certificate[]::new), privateKey);
        return current;
    }

    private Pair byAlias(String alias) {
        for (Pair p : new Pair[] { current, previous }) {
            if (p != null && Objects.equals(p.alias(), alias)) {
                return p;
            }
        }
        return null;
    }

    private String choose(String[] keyTypes) {
        Pair pair;
        try {
            pair = load();
        }
        catch (CredentialException e) {
            // Thrown into the handshake this would surface as an obscure internal error; without a certificate
            // the server refuses the handshake, and the log says why.
            log.log(System.Logger.Level.WARNING, "no client certificate offered: {0}", e.getMessage());
            return null;
        }
        String algorithm = pair.key().getAlgorithm();
        for (String type : keyTypes) {
            if (type.equals(algorithm) || (type.equals("RSASSA-PSS") && algorithm.equals("RSA"))) {
                return pair.alias();
            }
        }
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return choose(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Pair p = byAlias(alias);
        return p == null ? null : p.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Pair p = byAlias(alias);
        return p == null ? null : p.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        String alias = choose(new String[] { keyType });
        return alias == null ? null : new String[] { alias };
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
