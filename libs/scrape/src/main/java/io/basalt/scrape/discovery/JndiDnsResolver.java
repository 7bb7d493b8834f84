package io.basalt.scrape.discovery;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * DNS lookups through the JDK's own DNS client (JNDI's {@code dns:} provider), which can ask for SRV and AAAA records
 * and be pointed at a given server, unlike {@link java.net.InetAddress}.
 */
public final class JndiDnsResolver implements DnsResolver {

    private final String providerUrl;

    /** @param servers {@code host:port} of the servers to ask; empty for the system's (resolv.conf) */
    public JndiDnsResolver(List<String> servers) {
        this.providerUrl = servers.isEmpty() ? "dns:"
                : servers.stream().map(s -> "dns://" + s).collect(Collectors.joining(" "));
    }

    public static JndiDnsResolver system() {
        return new JndiDnsResolver(List.of());
    }

    @Override
    public List<Srv> srv(String name) {
        List<Srv> out = new ArrayList<>();
        for (String record : lookup(name, "SRV")) {
            String[] f = record.strip().split("\\s+");
            if (f.length != 4) {
                throw new DiscoveryException(name + ": malformed SRV record \"" + record + "\"");
            }
            out.add(new Srv(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3]));
        }
        return out;
    }

    @Override
    public List<String> a(String name) {
        return lookup(name, "A");
    }

    @Override
    public List<String> aaaa(String name) {
        return lookup(name, "AAAA");
    }

    private List<String> lookup(String name, String type) {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(Context.PROVIDER_URL, providerUrl);
        env.put("com.sun.jndi.dns.timeout.initial", "1000");
        env.put("com.sun.jndi.dns.timeout.retries", "3");
        DirContext ctx = null;
        try {
            ctx = new InitialDirContext(env);
            Attribute records = ctx.getAttributes(name, new String[] { type }).get(type);
            List<String> out = new ArrayList<>();
            if (records != null) {
                NamingEnumeration<?> values = records.getAll();
                while (values.hasMore()) {
                    out.add(String.valueOf(values.next()));
                }
            }
            return out;
        }
        catch (NameNotFoundException e) {
            return List.of();
        }
        catch (NamingException e) {
            throw new DiscoveryException("DNS " + type + " lookup of " + name + " failed: " + e.getMessage(), e);
        }
        finally {
            if (ctx != null) {
                try {
                    ctx.close();
                }
                catch (NamingException e) {
                    // nothing held open worth reporting
                }
            }
        }
    }
}
