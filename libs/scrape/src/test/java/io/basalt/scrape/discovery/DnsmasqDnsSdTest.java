package io.basalt.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.basalt.scrape.config.TargetGroup;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dns_sd_configs against a real DNS server: Debian's dnsmasq, bound to 127.0.0.1 on a free port and serving fixed
 * records. Skipped where dnsmasq is not installed ({@code .ci/run} installs it).
 */
class DnsmasqDnsSdTest {

    private static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");

    private static Process dnsmasq;

    private static JndiDnsResolver resolver;

    @BeforeAll
    static void startDnsmasq() throws Exception {
        assumeTrue(Files.isExecutable(DNSMASQ), "dnsmasq is not installed");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        dnsmasq = new ProcessBuilder(DNSMASQ.toString(), "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1", "--port=" + port,
                "--user=root", "--pid-file=", "--local=/example.test/",
                "--srv-host=_node._tcp.example.test,node-1.example.test,9100,10,5",
                "--srv-host=_node._tcp.example.test,node-2.example.test,9101,20,5",
                "--host-record=web.example.test,10.0.0.7,2001:db8::7")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        resolver = new JndiDnsResolver(List.of("127.0.0.1:" + port));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (!resolver.a("web.example.test").isEmpty()) {
                    return;
                }
            }
            catch (DiscoveryException notYet) {
                // dnsmasq is still starting
            }
            if (!dnsmasq.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("dnsmasq on 127.0.0.1:" + port + " did not answer within 20 s (alive: "
                        + dnsmasq.isAlive() + ")");
            }
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stopDnsmasq() throws Exception {
        if (dnsmasq != null) {
            dnsmasq.destroy();
            dnsmasq.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void srvRecordsBecomeTargetsWithTheirMetaLabels() {
        List<TargetGroup> groups = new DnsSd(DnsSdTest.config("{names: ['_node._tcp.example.test']}"), resolver)
                .get();

        assertThat(groups).extracting(g -> g.targets().get(0))
                .containsExactlyInAnyOrder("node-1.example.test:9100", "node-2.example.test:9101");
        assertThat(groups).allSatisfy(g -> assertThat(g.labels().get("__meta_dns_name"))
                .isEqualTo("_node._tcp.example.test"));
        assertThat(groups).extracting(g -> g.labels().get("__meta_dns_srv_record_target"))
                .allMatch(t -> t.endsWith(".example.test") || t.endsWith(".example.test."));
    }

    @Test
    void aAndAaaaRecordsBecomeTargetsOnTheConfiguredPort() {
        assertThat(new DnsSd(DnsSdTest.config("{names: [web.example.test], type: A, port: 9100}"), resolver).get())
                .singleElement().satisfies(g -> assertThat(g.targets()).containsExactly("10.0.0.7:9100"));
        assertThat(new DnsSd(DnsSdTest.config("{names: [web.example.test], type: AAAA, port: 9100}"), resolver)
                .get()).singleElement().satisfies(g -> assertThat(g.targets()).containsExactly("[2001:db8::7]:9100"));
    }

    @Test
    void anUnknownNameHasNoTargets() {
        assertThat(new DnsSd(DnsSdTest.config("{names: [nothing.example.test], type: A, port: 1}"), resolver).get())
                .isEmpty();
    }
}
