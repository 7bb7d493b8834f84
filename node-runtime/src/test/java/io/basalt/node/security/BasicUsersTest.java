package io.basalt.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Basic users: the cost of a refusal must not tell whether the user name exists. */
class BasicUsersTest {

    private final BCryptPasswordEncoder real = new BCryptPasswordEncoder(4);

    private final AtomicInteger comparisons = new AtomicInteger();

    private final PasswordEncoder counting = new PasswordEncoder() {

        @Override
        public String encode(CharSequence raw) {
            return real.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            comparisons.incrementAndGet();
            return real.matches(raw, encoded);
        }
    };

    private final BasicUsers users = BasicUsers.of(
            List.of(new BasaltSecurityProperties.User("grafana", real.encode("s3cret"), null, List.of("1"))),
            new Secrets(name -> null), counting);

    @Test
    void anUnknownNameCostsOnePasswordComparisonLikeAWrongPassword() {
        assertThatThrownBy(() -> users.authenticate(token("grafana", "wrong")).block())
            .isInstanceOf(BadCredentialsException.class);
        assertThat(comparisons.getAndSet(0)).isEqualTo(1);

        assertThatThrownBy(() -> users.authenticate(token("nobody", "wrong")).block())
            .isInstanceOf(BadCredentialsException.class);
        assertThat(comparisons.getAndSet(0)).isEqualTo(1);
    }

    @Test
    void theRightPasswordIsAcceptedAndThenRememberedWithoutAnotherComparison() {
        assertThat(users.authenticate(token("grafana", "s3cret")).block().isAuthenticated()).isTrue();
        assertThat(users.authenticate(token("grafana", "s3cret")).block().isAuthenticated()).isTrue();
        assertThat(comparisons.get()).isEqualTo(1);
    }

    private static UsernamePasswordAuthenticationToken token(String name, String password) {
        return UsernamePasswordAuthenticationToken.unauthenticated(name, password);
    }
}
