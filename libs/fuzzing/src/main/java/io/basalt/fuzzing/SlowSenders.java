package io.basalt.fuzzing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile HTTP clients for tests: each opens a POST that declares a large body, sends a little of it and then sends
 * nothing more, the way a slow or broken sender (or an attacker) holds a server's buffers and slots. Loopback only.
 */
public final class SlowSenders implements AutoCloseable {

    private final List<Socket> sockets = new ArrayList<>();

    private SlowSenders() {
    }

    /**
     * Opens {@code count} requests to {@code path} on loopback {@code port}, declaring lengths spread evenly from
     * {@code minDeclared} to {@code maxDeclared} bytes, and sends {@code sent} bytes of each body.
     *
     * @param headerLines extra header lines, each without its line end (content type, encoding)
     */
    public static SlowSenders open(int port, String path, List<String> headerLines, int count, long minDeclared,
            long maxDeclared, int sent) {
        SlowSenders senders = new SlowSenders();
        try {
            for (int i = 0; i < count; i++) {
                long declared = minDeclared + (count == 1 ? 0 : (maxDeclared - minDeclared) * i / (count - 1));
                Socket socket = new Socket("127.0.0.1", port);
                senders.sockets.add(socket);
                StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                headerLines.forEach(h -> head.append(h).append("\r\n"));
                head.append("Content-Length: ").append(declared).append("\r\n\r\n");
                OutputStream out = socket.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[sent]);
                out.flush();
            }
        }
        catch (IOException e) {
            senders.close();
            throw new UncheckedIOException("cannot open slow senders on port " + port, e);
        }
        return senders;
    }

    public int count() {
        return sockets.size();
    }

    @Override
    public void close() {
        for (Socket s : sockets) {
            try {
                s.close();
            }
            catch (IOException e) {
                // closing a socket the server already dropped
            }
        }
    }
}
