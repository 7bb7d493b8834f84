package io.basalt.node.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** An RSA key pair that signs test JWTs, and its public half as PEM or JWK set. */
final class TestJwts {

    private final KeyPair keys;

    TestJwts() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the public key as a PEM file and returns its {@code file:} location. */
    String publicKeyLocation(Path dir) throws IOException {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Path file = Files.writeString(dir.resolve("jwt.pub"), pem);
        return "file:" + file;
    }

    String jwkSet() {
        return new JWKSet(new RSAKey.Builder((RSAPublicKey) keys.getPublic()).keyID("test").build()).toString();
    }

    /** The audience the test nodes expect ({@code basalt.security.auth.jwt.audience}). */
    static final String AUDIENCE = "basalt";

    /** A token for {@code subject} valid for {@code lifetime} from {@code issuedAt}; {@code tenants} null = no claim. */
    String sign(String subject, List<String> tenants, Instant issuedAt, Duration lifetime) {
        return sign(null, subject, tenants, issuedAt, lifetime);
    }

    /** Like {@link #sign(String, List, Instant, Duration)} with an {@code iss} claim unless {@code issuer} is null. */
    String sign(String issuer, String subject, List<String> tenants, Instant issuedAt, Duration lifetime) {
        return sign(issuer, AUDIENCE, subject, tenants, issuedAt, lifetime);
    }

    /** A token with the {@code aud} claim {@code audience}, none when it is null. */
    String sign(String issuer, String audience, String subject, List<String> tenants, Instant issuedAt,
            Duration lifetime) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issuer(issuer)
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(issuedAt.plus(lifetime)));
        if (audience != null) {
            claims.audience(audience);
        }
        if (tenants != null) {
            claims.claim("basalt_tenants", tenants);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("test").build(),
                claims.build());
        try {
            jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    String valid(String subject, List<String> tenants) {
        return sign(subject, tenants, Instant.now(), Duration.ofMinutes(5));
    }

    String forAudience(String audience, String subject, List<String> tenants) {
        return sign(null, audience, subject, tenants, Instant.now(), Duration.ofMinutes(5));
    }
}
