import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stand-in for Testcontainers' resource reaper, which cannot be pulled on offline machines. Speaks its protocol on TCP
 * 8080 (a line of {@code key=value&key=value} label filters, answered with {@code ACK}) and, once every client has
 * been gone for the grace period, removes the containers, networks, volumes and images matching those filters.
 */
public class Ryuk {

    private static final Set<String> FILTERS = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static volatile long lastClientLeftAt;
    private static volatile boolean anyClientSeen;

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("RYUK_PORT", "8080"));
        long graceMillis = 1000L * Long.parseLong(System.getenv().getOrDefault("RYUK_RECONNECTION_TIMEOUT_S", "10"));
        ServerSocket server = new ServerSocket(port);
        // Testcontainers waits for this exact log line
        System.out.println("Started");
        System.out.flush();
        Thread reaper = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                boolean abandoned = anyClientSeen && CLIENTS.get() == 0
                        && System.currentTimeMillis() - lastClientLeftAt > graceMillis;
                if (abandoned) {
                    prune();
                    System.exit(0);
                }
            }
        });
        reaper.setDaemon(true);
        reaper.start();
        while (true) {
            Socket client = server.accept();
            CLIENTS.incrementAndGet();
            anyClientSeen = true;
            new Thread(() -> register(client)).start();
        }
    }

    private static void register(Socket client) {
        try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), UTF_8))) {
            OutputStream out = client.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) {
                FILTERS.add(toDockerFilter(line));
                System.out.println("Adding " + line);
                out.write("ACK\n".getBytes(UTF_8));
                out.flush();
            }
        } catch (IOException ignored) {
            // a dropped client counts as gone, which is what the finally block records
        } finally {
            if (CLIENTS.decrementAndGet() == 0) {
                lastClientLeftAt = System.currentTimeMillis();
            }
        }
    }

    /** Turns {@code label=a%3Db&label=c} into the Docker API's {@code {"label":["a=b","c"]}}. */
    private static String toDockerFilter(String line) {
        Map<String, List<String>> filter = new TreeMap<>();
        for (String pair : line.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            filter.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(pair.substring(eq + 1), UTF_8));
        }
        StringBuilder json = new StringBuilder("{");
        filter.forEach((key, values) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quote(key)).append(":[");
            for (int i = 0; i < values.size(); i++) {
                json.append(i > 0 ? "," : "").append(quote(values.get(i)));
            }
            json.append(']');
        });
        return json.append('}').toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void prune() {
        for (String filter : FILTERS) {
            String query = URLEncoder.encode(filter, UTF_8);
            for (String id : ids(docker("GET", "/containers/json?all=1&filters=" + query), "\"Id\":\"([0-9a-f]{64})\"")) {
                docker("DELETE", "/containers/" + id + "?force=1&v=1");
            }
            for (String id : ids(docker("GET", "/networks?filters=" + query), "\"Id\":\"([0-9a-f]{64})\"")) {
                docker("DELETE", "/networks/" + id);
            }
            for (String name : ids(docker("GET", "/volumes?filters=" + query), "\"Name\":\"([^\"]+)\"")) {
                docker("DELETE", "/volumes/" + name);
            }
            for (String id : ids(docker("GET", "/images/json?filters=" + query), "\"Id\":\"(sha256:[0-9a-f]{64})\"")) {
                docker("DELETE", "/images/" + id + "?force=1");
            }
            System.out.println("Pruned " + filter);
        }
    }

    private static List<String> ids(String body, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(body);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** One HTTP/1.0 request on the Docker socket; HTTP/1.0 so the daemon closes the stream when it is done. */
    private static String docker(String method, String path) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of("/var/run/docker.sock"))) {
            ch.write(ByteBuffer.wrap((method + " " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n").getBytes(UTF_8)));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(65536);
            while (ch.read(buf) > 0) {
                body.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            String response = body.toString(UTF_8);
            int headerEnd = response.indexOf("\r\n\r\n");
            return headerEnd < 0 ? "" : response.substring(headerEnd + 4);
        } catch (IOException e) {
            System.out.println("docker api error: " + e);
            return "";
        }
    }
}
