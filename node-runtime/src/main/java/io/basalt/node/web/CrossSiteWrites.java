package io.basalt.node.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a request that changes or deletes data ({@code /delete/...}, {@code /internal/...}, {@code /snapshot/...}
 * other than GET) when a browser says it comes from another site's page. These endpoints take POST only, but an HTML
 * form on any site can still POST to them, and the browser adds the basic credentials it remembers for the UI; with
 * authentication off, any page a browser on the cluster's network opens could reach them. Browsers mark such requests
 * with {@code Sec-Fetch-Site} (or, older ones, with an {@code Origin} of another host); the tiers, curl, scripts and
 * Grafana's server send neither, so nothing but a cross-site page is affected.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CrossSiteWrites implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(CrossSiteWrites.class);

    private static final Set<String> GUARDED = Set.of("delete", "internal", "snapshot");

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    /** {@code Sec-Fetch-Site} values of a request the user made on this node's own pages, or typed in. */
    private static final Set<String> OWN = Set.of("same-origin", "none");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (SAFE.contains(request.getMethod()) || !guarded(request.getPath().pathWithinApplication())) {
            return chain.filter(exchange);
        }
        String site = crossSite(request);
        if (site == null) {
            return chain.filter(exchange);
        }
        log.debug("refused cross-site {} {} ({})", request.getMethod(), request.getPath().value(), site);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.FORBIDDEN);
        response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
        byte[] body = ("403 cross-site request refused: " + request.getPath().value() + " changes or deletes data "
                + "and is not accepted from another site's page (" + site + "); send it from curl or a script, or "
                + "from this node's own origin\n").getBytes(StandardCharsets.UTF_8);
        // Read the unread body first, as every refusal does, so the sender sees the answer (see BoundedBody).
        return BoundedBody.discard(request)
            .then(Mono.defer(() -> response.writeWith(Mono.just(response.bufferFactory().wrap(body)))));
    }

    private static boolean guarded(PathContainer path) {
        for (PathContainer.Element e : path.elements()) {
            if (e instanceof PathContainer.PathSegment s && !s.valueToMatch().isEmpty()) {
                return GUARDED.contains(s.valueToMatch());
            }
        }
        return false;
    }

    /** @return what marks the request as cross-site, or null when nothing does */
    private static String crossSite(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        String fetchSite = headers.getFirst("Sec-Fetch-Site");
        if (fetchSite != null) {
            return OWN.contains(fetchSite.strip().toLowerCase()) ? null : "Sec-Fetch-Site: " + fetchSite;
        }
        String origin = headers.getFirst(HttpHeaders.ORIGIN);
        if (origin == null) {
            return null;
        }
        String host = headers.getFirst(HttpHeaders.HOST);
        try {
            URI uri = URI.create(origin.strip());
            String authority = uri.getRawAuthority();
            if (authority != null && host != null && authority.equalsIgnoreCase(host.strip())) {
                return null;
            }
        }
        catch (IllegalArgumentException e) {
            // an unparsable Origin (or "null", sent by sandboxed pages) is not this node's
        }
        return "Origin: " + origin;
    }
}
