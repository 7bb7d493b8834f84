package io.basalt.scrape.discovery;

import io.basalt.model.Labels;
import io.basalt.scrape.config.DnsSdConfig;
import io.basalt.scrape.config.TargetGroup;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code dns_sd_configs}: one target per SRV, A or AAAA record of each name, labelled as Prometheus labels them
 * ({@code __meta_dns_name}, {@code __meta_dns_srv_record_target}, {@code __meta_dns_srv_record_port}). An SRV target
 * keeps its host name (the trailing dot removed in the address); A and AAAA targets take the configured port.
 */
public final class DnsSd implements Supplier<List<TargetGroup>> {

    private final DnsSdConfig config;

    private final DnsResolver resolver;

    public DnsSd(DnsSdConfig config, DnsResolver resolver) {
        this.config = config;
        this.resolver = resolver;
    }

    @Override
    public List<TargetGroup> get() {
        List<TargetGroup> out = new ArrayList<>();
        for (String name : config.names()) {
            int i = 0;
            switch (config.type()) {
                case SRV -> {
                    for (DnsResolver.Srv srv : resolver.srv(name)) {
                        String host = srv.target().endsWith(".")
                                ? srv.target().substring(0, srv.target().length() - 1) : srv.target();
                        out.add(group(name, i++, hostPort(host, srv.port()), srv.target(),
                                Integer.toString(srv.port())));
                    }
                }
                case A -> {
                    for (String ip : resolver.a(name)) {
                        out.add(group(name, i++, ip + ":" + config.port(), "", ""));
                    }
                }
                case AAAA -> {
                    for (String ip : resolver.aaaa(name)) {
                        out.add(group(name, i++, "[" + canonicalIpv6(ip) + "]:" + config.port(), "", ""));
                    }
                }
            }
        }
        return out;
    }

    private static TargetGroup group(String name, int index, String address, String srvTarget, String srvPort) {
        Labels labels = Labels.builder().add("__meta_dns_name", name).add("__meta_dns_srv_record_target", srvTarget)
                .add("__meta_dns_srv_record_port", srvPort).build();
        return new TargetGroup(List.of(address), labels, name + ":" + index);
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The form Go prints (RFC 5952): lower case, no leading zeros, the longest run of two or more zero groups as ::. */
    static String canonicalIpv6(String literal) {
        if (!literal.contains(":")) {
            throw new DiscoveryException("malformed AAAA record \"" + literal + "\"");
        }
        String full;
        try {
            // A literal with a colon is parsed, never looked up.
            full = InetAddress.getByName(literal).getHostAddress();
        }
        catch (UnknownHostException e) {
            throw new DiscoveryException("malformed AAAA record \"" + literal + "\"", e);
        }
        int percent = full.indexOf('%');
        if (percent >= 0) {
            full = full.substring(0, percent);
        }
        if (!full.contains(":")) {
            // An IPv4-mapped address comes back as IPv4, which Go prints the same way.
            return full;
        }
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length;) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
