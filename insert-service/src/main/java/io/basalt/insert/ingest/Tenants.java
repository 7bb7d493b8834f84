package io.basalt.insert.ingest;

import io.basalt.model.TenantId;
import java.util.List;

/** Path and query arguments every ingestion endpoint shares, refused with 400 and their own reason. */
final class Tenants {

    private Tenants() {
    }

    static TenantId parse(String text) {
        try {
            return TenantId.parse(text);
        }
        catch (IllegalArgumentException e) {
            throw new BadIngestRequestException("invalid_tenant", e.getMessage());
        }
    }

    static ExtraLabels extraLabels(List<String> args) {
        try {
            return ExtraLabels.parse(args);
        }
        catch (IllegalArgumentException e) {
            throw new BadIngestRequestException("invalid_extra_label", e.getMessage());
        }
    }
}
