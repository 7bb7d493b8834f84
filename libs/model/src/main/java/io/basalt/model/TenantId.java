package io.basalt.model;

/**
 * A tenant as VictoriaMetrics' cluster addresses it: {@code accountID[:projectID]}, both unsigned 32-bit numbers.
 * Tenants need no registration: the first write creates one.
 */
public record TenantId(int accountId, int projectId) implements Comparable<TenantId> {

    public static final TenantId DEFAULT = new TenantId(0, 0);

    /**
     * Parses {@code "7"} or {@code "7:3"}.
     *
     * @throws IllegalArgumentException with a message a user can act on
     */
    public static TenantId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty tenant: expected accountID or accountID:projectID");
        }
        int colon = text.indexOf(':');
        String account = colon < 0 ? text : text.substring(0, colon);
        String project = colon < 0 ? "0" : text.substring(colon + 1);
        return new TenantId(parseUint32(account, text), parseUint32(project, text));
    }

    private static int parseUint32(String part, String whole) {
        try {
            if (part.isEmpty() || !Character.isDigit(part.charAt(0))) {
                throw new NumberFormatException(part);
            }
            return Integer.parseUnsignedInt(part);
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid tenant '" + whole
                    + "': expected accountID or accountID:projectID, each an unsigned 32-bit integer");
        }
    }

    @Override
    public int compareTo(TenantId o) {
        int c = Integer.compareUnsigned(accountId, o.accountId);
        return c != 0 ? c : Integer.compareUnsigned(projectId, o.projectId);
    }

    @Override
    public String toString() {
        return Integer.toUnsignedString(accountId) + ":" + Integer.toUnsignedString(projectId);
    }
}
