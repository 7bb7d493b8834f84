package io.basalt.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The limits every node gets from node-runtime: header size, and the idle timeout for clients that stall. */
@SpringBootTest(classes = HardenedServerTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.netty.idle-timeout=500ms")
class HardenedServerTest {

    @SpringBootApplication
    static class App {
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

    private static String request(String header) {
        return "GET /nothing HTTP/1.1\r\nHost: localhost\r\n" + header + "\r\nConnection: close\r\n\r\n";
    }

    private String statusLine(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return response.lines().findFirst().orElse("");
        }
    }
}
