package io.basalt.node.security;

import io.basalt.node.status.NodeStatusContributor;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A node with the path shapes of the real tiers: tenant paths, a tenant-less write, the storage internal API. */
@SpringBootApplication
class SecuredTestApp {

    @Bean
    NodeStatusContributor status() {
        return new NodeStatusContributor() {
            @Override
            public String role() {
                return "test";
            }

            @Override
            public Map<String, Object> configSummary() {
                return Map.of("answer", 42);
            }
        };
    }

    @RestController
    static class Endpoints {

        @GetMapping("/select/{tenant}/prometheus/api/v1/query")
        String query(@PathVariable String tenant) {
            return "query " + tenant;
        }

        @PostMapping("/insert/{tenant}/prometheus/api/v1/write")
        String write(@PathVariable String tenant, @RequestBody(required = false) String body) {
            return "write " + tenant;
        }

        @PostMapping("/delete/{tenant}/prometheus/api/v1/admin/tsdb/delete_series")
        String delete(@PathVariable String tenant, @RequestBody(required = false) String body) {
            return "delete " + tenant;
        }

        @PostMapping("/api/v1/write")
        String defaultWrite(@RequestBody(required = false) String body) {
            return "write 0";
        }

        @PostMapping("/internal/search")
        String search(@RequestBody(required = false) String body) {
            return "search";
        }
    }
}
