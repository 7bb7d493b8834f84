package io.basalt.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.scrape.config.AgentConfig;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.ConsulSdConfig;
import io.basalt.scrape.config.TargetGroup;
import io.basalt.scrape.support.FakeJsonApi;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** consul_sd_configs against a fake Consul catalog serving recorded-shape answers of Consul's HTTP API. */
class ConsulSdTest {

    private FakeJsonApi consul;

    @BeforeEach
    void fakeCatalog() throws Exception {
        consul = new FakeJsonApi()
                .json("/v1/agent/self", () -> "{\"Config\": {\"Datacenter\": \"dc1\", \"NodeName\": \"agent-1\"}}")
                .json("/v1/catalog/services", () -> "{\"consul\": [], \"web\": [\"prod\", \"http\"], \"db\": [\"prod\"]}")
                .json("/v1/health/service/web", () -> """
                        [{"Node": {"ID": "a1", "Node": "n1", "Address": "10.0.0.1", "Datacenter": "dc1",
                                   "TaggedAddresses": {"lan": "10.0.0.1", "wan": "198.51.100.1"},
                                   "Meta": {"rack": "r1", "os-version": "12"}},
                          "Service": {"ID": "web-1", "Service": "web", "Tags": ["prod", "http"], "Address": "",
                                      "Meta": {"version": "2"}, "Port": 8080},
                          "Checks": [{"CheckID": "serfHealth", "Status": "passing"},
                                     {"CheckID": "service:web-1", "Status": "warning"}]},
                         {"Node": {"ID": "a2", "Node": "n2", "Address": "10.0.0.2", "Datacenter": "dc1",
                                   "TaggedAddresses": {}, "Meta": {}},
                          "Service": {"ID": "web-2", "Service": "web", "Tags": ["http"], "Address": "10.1.0.2",
                                      "Meta": {}, "Port": 8081},
                          "Checks": [{"CheckID": "service:web-2", "Status": "critical"}]}]
                        """);
    }

    @AfterEach
    void stop() {
        consul.close();
    }

    private ConsulSdConfig config(String entry) {
        AgentConfig c = AgentConfigLoader.parse("agent.yml", """
                scrape_configs:
                  - job_name: consul
                    consul_sd_configs: [%s]
                """.formatted(entry), null);
        return (ConsulSdConfig) c.scrapeConfigs().get(0).discoveryConfigs().get(0);
    }

    @Test
    void everyInstanceOfTheServicesWithTheTagsGetsPrometheusConsulLabels() {
        List<TargetGroup> groups = new ConsulSd(config("{server: '" + consul.address()
                + "', token: t0ken, tags: [http]}")).get();

        assertThat(groups).containsExactly(
                new TargetGroup(List.of("10.0.0.1:8080"), Labels.of("__meta_consul_address", "10.0.0.1",
                        "__meta_consul_dc", "dc1", "__meta_consul_health", "warning", "__meta_consul_metadata_os_version",
                        "12", "__meta_consul_metadata_rack", "r1", "__meta_consul_node", "n1",
                        "__meta_consul_service", "web", "__meta_consul_service_address", "",
                        "__meta_consul_service_id", "web-1", "__meta_consul_service_metadata_version", "2",
                        "__meta_consul_service_port", "8080", "__meta_consul_tagged_address_lan", "10.0.0.1",
                        "__meta_consul_tagged_address_wan", "198.51.100.1", "__meta_consul_tags", ",prod,http,"),
                        "web:0"),
                new TargetGroup(List.of("10.1.0.2:8081"), Labels.of("__meta_consul_address", "10.0.0.2",
                        "__meta_consul_dc", "dc1", "__meta_consul_health", "critical", "__meta_consul_node", "n2",
                        "__meta_consul_service", "web", "__meta_consul_service_address", "10.1.0.2",
                        "__meta_consul_service_id", "web-2", "__meta_consul_service_port", "8081",
                        "__meta_consul_tags", ",http,"), "web:1"));
        assertThat(consul.requests()).extracting(FakeJsonApi.Request::pathAndQuery).containsExactly(
                "/v1/agent/self?stale", "/v1/catalog/services?dc=dc1&stale",
                "/v1/health/service/web?dc=dc1&stale&tag=http");
        assertThat(consul.requests()).allSatisfy(r -> assertThat(r.consulToken()).isEqualTo("t0ken"));
    }

    @Test
    void namedServicesInAGivenDatacenterNeedNoCatalogListing() {
        new ConsulSd(config("{server: '" + consul.address() + "', datacenter: dc2, services: [web], "
                + "node_meta: {rack: r1}, allow_stale: false}")).get();

        assertThat(consul.requests()).extracting(FakeJsonApi.Request::pathAndQuery)
                .containsExactly("/v1/health/service/web?dc=dc2&node-meta=rack%3Ar1");
    }

    @Test
    void anUnreachableOrFailingConsulIsADiscoveryFailure() {
        consul.answer("/v1/catalog/services", 500, "text/plain", () -> "rpc error");
        assertThatThrownBy(() -> new ConsulSd(config("{server: '" + consul.address() + "'}")).get())
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("HTTP status 500");
    }

    @Test
    void defaultsAreConsulsAndTheTokenIsRedacted() {
        ConsulSdConfig c = config("{token: t0ken}");
        assertThat(c.server()).isEqualTo("localhost:8500");
        assertThat(c.tagSeparator()).isEqualTo(",");
        assertThat(c.allowStale()).isTrue();
        assertThat(c.refreshInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(AgentConfigLoader.parse("agent.yml", """
                scrape_configs:
                  - job_name: consul
                    consul_sd_configs: [{token: t0ken}]
                """, null).redactedYaml()).doesNotContain("t0ken").contains("<secret>");
    }
}
