package io.basalt.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP proxy in front of one service that can be made slow: with a latency set, every request burst from
 * a client waits that long before it is forwarded, as a node with a stalled disk or a saturated network would answer.
 * Peers are configured with the proxy's address, so they cannot tell it from the service.
 */
final class LatencyProxy implements AutoCloseable {

    /** Bytes arriving this soon after the previous ones belong to the same request and are not delayed again. */
    private static final long SAME_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ServerSocket server;

    private final int upstreamPort;

    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "latency-proxy");
        t.setDaemon(true);
        return t;
    });

    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private volatile long latencyMillis;

    private LatencyProxy(ServerSocket server, int upstreamPort) {
        this.server = server;
        this.upstreamPort = upstreamPort;
    }

    /** Listens on a free loopback port and forwards to {@code 127.0.0.1:upstreamPort}. */
    static LatencyProxy start(int upstreamPort) throws IOException {
        LatencyProxy proxy = new LatencyProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                upstreamPort);
        proxy.pumps.submit(proxy::accept);
        return proxy;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Delay added to each request from now on; {@code Duration.ZERO} makes the proxy transparent again. */
    void latency(Duration latency) {
        latencyMillis = latency.toMillis();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                }
                catch (IOException down) {
                    client.close(); // the service is down: the peer sees its connection closed
                    continue;
                }
                open.add(client);
                open.add(upstream);
                pumps.submit(() -> pump(client, upstream, true));
                pumps.submit(() -> pump(upstream, client, false));
            }
            catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean delayed) {
        byte[] buffer = new byte[64 * 1024];
        long lastRead = 0;
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                long now = System.nanoTime();
                long latency = latencyMillis;
                if (delayed && latency > 0 && now - lastRead > SAME_BURST_NANOS) {
                    Thread.sleep(latency);
                }
                lastRead = System.nanoTime();
                out.write(buffer, 0, n);
                out.flush();
            }
        }
        catch (IOException | InterruptedException gone) {
            // either side closed: closing both (try-with-resources) ends the other pump too
        }
        finally {
            open.remove(from);
            open.remove(to);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        pumps.shutdownNow();
    }
}
