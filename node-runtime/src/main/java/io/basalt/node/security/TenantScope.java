package io.basalt.node.security;

import io.basalt.model.TenantId;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The tenants a credential may address: any tenant (an unbound credential), or a fixed set. Carried through Spring
 * Security as granted authorities, so basic users, static tokens and JWTs are checked the same way.
 */
record TenantScope(boolean any, Set<TenantId> tenants) {

    static final TenantScope ANY = new TenantScope(true, Set.of());

    private static final String PREFIX = "basalt:tenant:";

    private static final String ANY_AUTHORITY = PREFIX + "*";

    /**
     * @param property named in the error for a bad tenant
     * @param tenants  {@code "1"} or {@code "1:0"} each; empty means any tenant
     * @throws IllegalStateException naming the property and the bad tenant
     */
    static TenantScope ofConfigured(String property, List<String> tenants) {
        try {
            return tenants == null || tenants.isEmpty() ? ANY : bound(tenants);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + ": " + e.getMessage());
        }
    }

    /** A scope bound to exactly these tenants; an empty list binds to none. */
    static TenantScope bound(Collection<String> tenants) {
        Set<TenantId> ids = new LinkedHashSet<>();
        for (String t : tenants) {
            ids.add(TenantId.parse(t.strip()));
        }
        return new TenantScope(false, Set.copyOf(ids));
    }

    static TenantScope fromAuthorities(Collection<? extends GrantedAuthority> authorities) {
        Set<TenantId> ids = new LinkedHashSet<>();
        for (GrantedAuthority a : authorities) {
            String name = a.getAuthority();
            if (ANY_AUTHORITY.equals(name)) {
                return ANY;
            }
            if (name != null && name.startsWith(PREFIX)) {
                ids.add(TenantId.parse(name.substring(PREFIX.length())));
            }
        }
        return new TenantScope(false, Set.copyOf(ids));
    }

    List<GrantedAuthority> authorities() {
        if (any) {
            return List.of(new SimpleGrantedAuthority(ANY_AUTHORITY));
        }
        return tenants.stream().<GrantedAuthority>map(t -> new SimpleGrantedAuthority(PREFIX + t)).toList();
    }

    boolean permits(TenantId tenant) {
        return any || tenants.contains(tenant);
    }
}
