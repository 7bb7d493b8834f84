package io.basalt.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.reactive.function.client.WebClient;

/** The rules a JWT is held to before any request: an expected audience, and what its tenants claim grants. */
class JwtValidationTest {

    @Test
    void jwtValidationWithoutAnAudienceStopsTheNodeNamingTheProperty() {
        var jwt = new BasaltSecurityProperties.Jwt(null, "https://idp.example/jwks", null, " ", "basalt_tenants");

        assertThatThrownBy(() -> JwtValidation.of(jwt, WebClient.create()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("basalt.security.auth.jwt.audience is required when JWTs are accepted");
    }

    @Test
    void theTenantsClaimGrantsWhatItListsTheWildcardEverythingAndItsAbsenceNothing() {
        assertThat(TenantScope.fromAuthorities(JwtValidation.authorities("t", List.of("1", "2:3"))).tenants())
            .hasSize(2);
        assertThat(TenantScope.fromAuthorities(JwtValidation.authorities("t", "1")).tenants()).hasSize(1);
        assertThat(TenantScope.fromAuthorities(JwtValidation.authorities("t", List.of("*"))).any()).isTrue();
        assertThat(TenantScope.fromAuthorities(JwtValidation.authorities("t", List.of())).tenants()).isEmpty();

        List<GrantedAuthority> absent = JwtValidation.authorities("t", null);
        TenantScope scope = TenantScope.fromAuthorities(absent);
        assertThat(scope.any()).isFalse();
        assertThat(scope.tenants()).isEmpty();
    }
}
