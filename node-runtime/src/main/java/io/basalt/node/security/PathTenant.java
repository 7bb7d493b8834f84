package io.basalt.node.security;

import io.basalt.model.TenantId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.server.PathContainer;

/**
 * Which tenant a request path addresses. {@code /insert/{tenant}/...}, {@code /select/{tenant}/...} and
 * {@code /delete/{tenant}/...} name it;
 * {@code /internal/...} and {@code /snapshot/...} act on every tenant of a storage node; any other path (tenant-less
 * ingestion such as {@code /api/v1/write}, agent push, metrics, status) addresses the default tenant 0:0.
 */
sealed interface PathTenant {

    /** The path addresses one tenant. */
    record One(TenantId tenant) implements PathTenant {
    }

    /** The path acts across tenants: only a credential bound to no tenant may call it. */
    record AllTenants() implements PathTenant {
    }

    /** The tenant segment does not parse; the handler answers 400 for it, but no bound credential may pass. */
    record Invalid() implements PathTenant {
    }

    /**
     * Reads segments as the handler mappings match them (decoded, matrix parameters dropped); empty segments are
     * skipped so that {@code //select/2/...} cannot pass as a tenant-less path.
     */
    static PathTenant of(PathContainer path) {
        List<String> segments = new ArrayList<>(3);
        for (PathContainer.Element e : path.elements()) {
            if (e instanceof PathContainer.PathSegment s && !s.valueToMatch().isEmpty()) {
                segments.add(s.valueToMatch());
                if (segments.size() == 2) {
                    break;
                }
            }
        }
        String first = segments.isEmpty() ? "" : segments.get(0);
        switch (first) {
            case "internal", "snapshot":
                return new AllTenants();
            case "insert", "select", "delete":
                if (segments.size() < 2) {
                    return new One(TenantId.DEFAULT);
                }
                try {
                    return new One(TenantId.parse(segments.get(1)));
                }
                catch (IllegalArgumentException e) {
                    return new Invalid();
                }
            default:
                return new One(TenantId.DEFAULT);
        }
    }
}
