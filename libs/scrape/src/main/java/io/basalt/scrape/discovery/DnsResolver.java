package io.basalt.scrape.discovery;

import java.util.List;

/** The DNS lookups dns_sd_configs makes; an unknown name (NXDOMAIN) answers an empty list. */
public interface DnsResolver {

    /** An SRV record; {@code target} as the record holds it, with its trailing dot. */
    record Srv(int priority, int weight, int port, String target) {
    }

    List<Srv> srv(String name);

    /** IPv4 addresses in dotted form. */
    List<String> a(String name);

    /** IPv6 addresses, in any textual form. */
    List<String> aaaa(String name);
}
