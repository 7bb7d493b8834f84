package io.basalt.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.DnsSdConfig;
import io.basalt.scrape.config.InvalidAgentConfigException;
import io.basalt.scrape.config.TargetGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DnsSdTest {

    /** Answers from fixed records, as a DNS server holding them would. */
    static final DnsResolver RECORDS = new DnsResolver() {
        @Override
        public List<Srv> srv(String name) {
            return Map.of("_node._tcp.example.org.", List.of(new Srv(10, 5, 9100, "node-1.example.org."),
                    new Srv(10, 5, 9101, "node-2.example.org."))).getOrDefault(name, List.of());
        }

        @Override
        public List<String> a(String name) {
            return Map.of("web.example.org", List.of("10.0.0.7", "10.0.0.8")).getOrDefault(name, List.of());
        }

        @Override
        public List<String> aaaa(String name) {
            return Map.of("web.example.org", List.of("2001:db8:0:0:0:0:0:7")).getOrDefault(name, List.of());
        }
    };

    static DnsSdConfig config(String entry) {
        return (DnsSdConfig) AgentConfigLoader.parse("agent.yml", """
                scrape_configs:
                  - job_name: dns
                    dns_sd_configs: [%s]
                """.formatted(entry), null).scrapeConfigs().get(0).discoveryConfigs().get(0);
    }

    @Test
    void srvRecordsGiveTheirHostAndPortWithPrometheusMetaLabels() {
        List<TargetGroup> groups = new DnsSd(config("{names: ['_node._tcp.example.org.']}"), RECORDS).get();

        assertThat(groups).containsExactly(
                new TargetGroup(List.of("node-1.example.org:9100"), Labels.of("__meta_dns_name",
                        "_node._tcp.example.org.", "__meta_dns_srv_record_target", "node-1.example.org.",
                        "__meta_dns_srv_record_port", "9100"), "_node._tcp.example.org.:0"),
                new TargetGroup(List.of("node-2.example.org:9101"), Labels.of("__meta_dns_name",
                        "_node._tcp.example.org.", "__meta_dns_srv_record_target", "node-2.example.org.",
                        "__meta_dns_srv_record_port", "9101"), "_node._tcp.example.org.:1"));
    }

    @Test
    void aAndAaaaRecordsTakeTheConfiguredPort() {
        List<TargetGroup> a = new DnsSd(config("{names: [web.example.org, gone.example.org], type: A, port: 80}"),
                RECORDS).get();
        List<TargetGroup> aaaa = new DnsSd(config("{names: [web.example.org], type: AAAA, port: 80}"), RECORDS).get();

        assertThat(a).extracting(g -> g.targets().get(0)).containsExactly("10.0.0.7:80", "10.0.0.8:80");
        assertThat(a.get(0).labels().get("__meta_dns_name")).isEqualTo("web.example.org");
        assertThat(aaaa).extracting(g -> g.targets().get(0)).containsExactly("[2001:db8::7]:80");
    }

    @ParameterizedTest
    @CsvSource({ "2001:db8:0:0:0:0:0:7, 2001:db8::7", "0:0:0:0:0:0:0:1, ::1", "fe80:0:0:1:0:0:0:1, fe80:0:0:1::1",
            "2001:DB8:0:1:0:1:0:1, 2001:db8:0:1:0:1:0:1", "1:0:0:2:0:0:0:3, 1:0:0:2::3" })
    void ipv6AddressesArePrintedAsGoPrintsThem(String in, String out) {
        assertThat(DnsSd.canonicalIpv6(in)).isEqualTo(out);
    }

    @Test
    void configIsValidatedAsPrometheusDoesWithItsDefaults() {
        assertThat(config("{names: [a.example.org]}")).isEqualTo(new DnsSdConfig(List.of("a.example.org"),
                DnsSdConfig.RecordType.SRV, 0, Duration.ofSeconds(30)));
        assertThatThrownBy(() -> config("{names: [a.example.org], type: A}"))
                .isInstanceOf(InvalidAgentConfigException.class).hasMessageContaining("a port (1-65535) is required");
        assertThatThrownBy(() -> config("{names: [a.example.org], type: MX, port: 25}"))
                .isInstanceOf(InvalidAgentConfigException.class).hasMessageContaining("invalid DNS-SD records type MX");
        assertThatThrownBy(() -> config("{names: []}"))
                .isInstanceOf(InvalidAgentConfigException.class).hasMessageContaining("at least one SRV record name");
        assertThatThrownBy(() -> config("{names: [a], colour: blue}"))
                .isInstanceOf(InvalidAgentConfigException.class).hasMessageContaining("colour");
    }
}
