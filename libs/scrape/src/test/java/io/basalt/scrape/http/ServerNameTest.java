package io.basalt.scrape.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.scrape.support.TestCertificates;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server_name} is checked against the certificate's subject alternative names, as Go checks them. */
class ServerNameTest {

    @TempDir
    static Path dir;

    private static X509Certificate leaf;

    @BeforeAll
    static void certificate() throws Exception {
        // keytool writes SANs localhost and 127.0.0.1.
        leaf = TestCertificates.create(dir).issue("server").chain()[0];
    }

    @Test
    void matchesDnsNamesCaseInsensitivelyAndIpAddressesByValue() {
        assertThatCode(() -> VerifyingTrustManager.verifyName(leaf, "localhost")).doesNotThrowAnyException();
        assertThatCode(() -> VerifyingTrustManager.verifyName(leaf, "LocalHost")).doesNotThrowAnyException();
        assertThatCode(() -> VerifyingTrustManager.verifyName(leaf, "127.0.0.1")).doesNotThrowAnyException();
    }

    @Test
    void refusesOtherNamesAndTheCommonName() {
        assertThatThrownBy(() -> VerifyingTrustManager.verifyName(leaf, "server"))
                .hasMessage("x509: certificate is not valid for server");
        assertThatThrownBy(() -> VerifyingTrustManager.verifyName(leaf, "127.0.0.2"))
                .hasMessage("x509: certificate is not valid for 127.0.0.2");
        assertThatThrownBy(() -> VerifyingTrustManager.verifyName(leaf, "sub.localhost"))
                .hasMessage("x509: certificate is not valid for sub.localhost");
    }
}
