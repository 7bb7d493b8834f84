package io.basalt.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    private final Secrets secrets = new Secrets(Map.of("AGENT_TOKEN", "from-env")::get);

    @Test
    void aSecretFileLosesItsTrailingNewline(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");

        assertThat(secrets.read("p", null, file.toString(), null)).isEqualTo("from-file");
    }

    @Test
    void environmentAndLiteral() {
        assertThat(secrets.read("p", null, null, "AGENT_TOKEN")).isEqualTo("from-env");
        assertThat(secrets.read("p", "literal", null, "")).isEqualTo("literal");
        assertThat(secrets.read("p", null, "", null)).isNull();
    }

    @Test
    void errorsNameThePropertyButNeverTheSecret(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");

        assertThatThrownBy(() -> secrets.read("basalt.x.token", "literal-secret", null, "AGENT_TOKEN"))
            .hasMessage("set only one of basalt.x.token, basalt.x.token-env");
        assertThatThrownBy(() -> secrets.read("basalt.x.token", null, null, "UNSET_VARIABLE"))
            .hasMessage("basalt.x.token-env: environment variable UNSET_VARIABLE is not set");
        assertThatThrownBy(() -> secrets.read("basalt.x.token", null, dir.resolve("missing").toString(), null))
            .hasMessageStartingWith("basalt.x.token-file: cannot read ");
        assertThatThrownBy(() -> secrets.read("basalt.x.token", null, empty.toString(), null))
            .hasMessage("basalt.x.token-file: the secret is empty");
    }
}
