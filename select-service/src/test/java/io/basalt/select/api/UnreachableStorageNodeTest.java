package io.basalt.select.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.TimeSeries;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A storage node whose address swallows connection attempts, as a stopped container's address does: queries must
 * not wait for it beyond the connect timeout, and once it failed they skip it while its replicas answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UnreachableStorageNodeTest {

    static final String API = "/select/0/prometheus/api/v1";

    static final List<StubStorageNode> REPLICAS = List.of(new StubStorageNode(), new StubStorageNode());

    static final BlackHole BLACK_HOLE = new BlackHole();

    static {
        for (int i = 0; i < 4; i++) {
            TimeSeries s = PrometheusApiTest.series("up", i, "instance", "h" + i);
            REPLICAS.forEach(n -> n.add(s));
        }
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void storageNodes(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.storage[0].uri", REPLICAS.get(0)::url);
        registry.add("spring.cloud.discovery.client.simple.instances.storage[1].uri", BLACK_HOLE::url);
        registry.add("spring.cloud.discovery.client.simple.instances.storage[2].uri", REPLICAS.get(1)::url);
        registry.add("basalt.select.replication-factor", () -> "2");
        registry.add("basalt.select.storage-backoff", () -> "1h");
        registry.add("spring.http.clients.connect-timeout", () -> "300ms");
    }

    @AfterAll
    static void stop() throws IOException {
        REPLICAS.forEach(StubStorageNode::close);
        BLACK_HOLE.close();
    }

    @Test
    void theReplicasAnswerBeforeTheDeadlineAndTheDeadNodeIsThenSkipped() {
        ApiTestSupport api = new ApiTestSupport(port);
        String query = API + "/query?query=count(up)&timeout=10s&time=" + PrometheusApiTest.T / 1000;

        JsonNode first = api.get(query).json();
        JsonNode second = api.get(query).json();

        for (JsonNode answer : List.of(first, second)) {
            assertThat(answer.path("status").asString()).as(answer.toString()).isEqualTo("success");
            assertThat(answer.has("isPartial")).isFalse();
            assertThat(answer.path("data").path("result").get(0).path("value").get(1).asString()).isEqualTo("4");
        }
        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("basalt_select_storage_skipped_total\\{[^}]*node=\""
                + BLACK_HOLE.url().replace(".", "\\.") + "\"[^}]*\\} 1\\.0");
    }

    /** A listening socket that never accepts, with its backlog full, so that further connects hang unanswered. */
    static final class BlackHole implements AutoCloseable {

        private final ServerSocket socket;

        private final List<SocketChannel> fillers = new ArrayList<>();

        BlackHole() {
            try {
                socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                for (int i = 0; i < 4; i++) {
                    SocketChannel c = SocketChannel.open();
                    c.configureBlocking(false);
                    c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort()));
                    fillers.add(c);
                }
            }
            catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel c : fillers) {
                c.close();
            }
            socket.close();
        }
    }
}
