package io.basalt.node.security;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import reactor.core.publisher.Mono;

/**
 * Lets an authenticated request through when its credential may address the tenant of the path ({@link PathTenant}).
 * A JWT without the tenants claim is refused everywhere (see {@link JwtValidation#authorities}).
 * A refusal leaves its reason on the exchange for {@link Refusals} to answer and count.
 */
final class TenantAuthorization implements ReactiveAuthorizationManager<AuthorizationContext> {

    static final String REFUSAL = TenantAuthorization.class.getName() + ".refusal";

    /** Marks a JWT that lacks the tenants claim; the suffix is the claim's name, for the refusal message. */
    private static final String MISSING_CLAIM = "basalt:missing-tenants-claim:";

    static GrantedAuthority missingClaim(String claimName) {
        return new SimpleGrantedAuthority(MISSING_CLAIM + claimName);
    }

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
        var exchange = context.getExchange();
        return authentication.filter(Authentication::isAuthenticated)
            .map(auth -> {
                TenantScope scope = TenantScope.fromAuthorities(auth.getAuthorities());
                PathTenant tenant = PathTenant.of(exchange.getRequest().getPath().pathWithinApplication());
                String missingClaim = missingClaim(auth);
                Refusals.Refusal refusal = missingClaim != null
                        ? new Refusals.Refusal("missing_tenants_claim", "token '" + auth.getName() + "' has no "
                                + missingClaim + " claim: a JWT must list the tenants it may address, or \"*\" for "
                                + "all of them and the cross-tenant APIs")
                        : refusal(scope, tenant, auth.getName());
                if (refusal != null) {
                    exchange.getAttributes().put(REFUSAL, refusal);
                }
                return (AuthorizationResult) new AuthorizationDecision(refusal == null);
            })
            .defaultIfEmpty(new AuthorizationDecision(false));
    }

    private static String missingClaim(Authentication auth) {
        for (GrantedAuthority a : auth.getAuthorities()) {
            String name = a.getAuthority();
            if (name != null && name.startsWith(MISSING_CLAIM)) {
                return name.substring(MISSING_CLAIM.length());
            }
        }
        return null;
    }

    private static Refusals.Refusal refusal(TenantScope scope, PathTenant tenant, String who) {
        if (tenant instanceof PathTenant.One one) {
            return scope.permits(one.tenant()) ? null
                    : new Refusals.Refusal("forbidden_tenant",
                            "credential '" + who + "' may not address tenant " + one.tenant());
        }
        if (scope.any()) {
            return null;
        }
        return new Refusals.Refusal("forbidden_tenant", tenant instanceof PathTenant.AllTenants
                ? "credential '" + who + "' is bound to tenants and may not call this cross-tenant API"
                : "invalid tenant in path");
    }
}
