package io.basalt.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The limits every node gets from node-runtime: header size, and the timeouts for clients that stall. */
@SpringBootTest(classes = HardenedServerTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "server.netty.idle-timeout=500ms", "basalt.server.body-read-timeout=500ms",
            "basalt.server.body-timeout=2s" })
class HardenedServerTest {

    @SpringBootApplication
    @RestController
    static class App {

        @PostMapping("/upload")
        Mono<String> upload(@RequestBody Mono<byte[]> body) {
            return body.map(b -> b.length + " bytes");
        }
    }

    @LocalServerPort
    int port;

    @Test
    void headersOver16KbAreRefusedButAnAverageJwtFits() throws IOException {
        assertThat(statusLine(request("X-Big: " + "a".repeat(20 * 1024)))).contains(" 431 ");
        assertThat(statusLine(request("Authorization: Bearer " + "a".repeat(10 * 1024)))).contains(" 404 ");
    }

    @Test
    void aClientThatStopsHalfWayThroughItsHeadersIsDisconnected() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /nothing HTTP/1.1\r\nHost: loc".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The server closes the connection (end of stream) well before the 10 s socket timeout would fire.
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aClientThatStopsHalfWayThroughItsBodyIsDisconnected() throws IOException {
        try (Socket socket = uploadOf1000Bytes("x".repeat(10))) {
            // Nothing useful comes back, and the connection ends well before the 10 s socket timeout would fire.
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .doesNotContain("bytes");
        }
    }

    @Test
    void aClientThatDribblesItsBodyIsDisconnectedWhenTheWholeBodyTakesTooLong() throws Exception {
        try (Socket socket = uploadOf1000Bytes("")) {
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            // One byte every 200 ms never trips the 500 ms gap limit, only the 2 s limit on the whole body.
            try {
                for (int i = 0; i < 40; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(200);
                }
            }
            catch (IOException closedByServer) {
                // expected once the server gives up
            }
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .doesNotContain("bytes");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void aClientThatSendsItsBodyInTimeIsAnswered() throws IOException {
        String response = exchange("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
        assertThat(response).startsWith("HTTP/1.1 200").endsWith("5 bytes");
    }

    /** A socket that has sent the headers of a 1000-byte upload and then {@code firstBytes} of its body. */
    private Socket uploadOf1000Bytes(String firstBytes) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 1000\r\n\r\n" + firstBytes).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static String request(String header) {
        return "GET /nothing HTTP/1.1\r\nHost: localhost\r\n" + header + "\r\nConnection: close\r\n\r\n";
    }

    private String statusLine(String request) throws IOException {
        return exchange(request).lines().findFirst().orElse("");
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
