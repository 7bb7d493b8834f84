package io.basalt.node.security;

import io.basalt.node.web.BoundedBody;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers refused requests: 401 with a {@code WWW-Authenticate} challenge per accepted scheme, or 403; short plain
 * text, never a stack trace or the presented credential. Each refusal counts in
 * {@code basalt_auth_refused_total{reason}}: {@code unauthenticated} (no credentials), {@code bad_credentials} (wrong
 * password, unknown token, invalid or expired JWT, wrong audience), {@code forbidden_tenant},
 * {@code missing_tenants_claim} (a valid JWT that lists no tenants claim).
 */
final class Refusals implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    record Refusal(String reason, String message) {
    }

    static final List<String> REASONS = List.of("unauthenticated", "bad_credentials", "forbidden_tenant",
            "missing_tenants_claim");

    private static final Logger log = LoggerFactory.getLogger(Refusals.class);

    private final List<String> challenges;

    private final MeterRegistry registry;

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /**
     * @param challenges the schemes offered in {@code WWW-Authenticate}, e.g. {@code Basic realm="basalt"}
     * @param registry   where refusals are counted
     */
    Refusals(List<String> challenges, MeterRegistry registry) {
        this.challenges = challenges;
        this.registry = registry;
        REASONS.forEach(this::counter);
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException e) {
        boolean none = e instanceof AuthenticationCredentialsNotFoundException;
        String reason = none ? "unauthenticated" : "bad_credentials";
        ServerHttpResponse response = exchange.getResponse();
        response.getHeaders().put(HttpHeaders.WWW_AUTHENTICATE, challenges);
        return refuse(exchange, HttpStatus.UNAUTHORIZED, new Refusal(reason,
                none ? "authentication required" : "invalid credentials"));
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException e) {
        Refusal refusal = exchange.getAttribute(TenantAuthorization.REFUSAL);
        return refuse(exchange, HttpStatus.FORBIDDEN,
                refusal != null ? refusal : new Refusal("forbidden_tenant", "access denied"));
    }

    private Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, Refusal refusal) {
        counter(refusal.reason()).increment();
        if (log.isDebugEnabled()) {
            log.debug("refused {} {}: {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(), refusal.reason());
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
        byte[] body = (status.value() + " " + refusal.message() + "\n").getBytes(StandardCharsets.UTF_8);
        // The body of a refused request is never read by a handler; read it before answering, or the refusal may
        // not reach a sender still writing, and a kept-alive connection hangs on the sender's next request.
        return BoundedBody.discard(exchange.getRequest())
            .then(Mono.defer(() -> response.writeWith(Mono.just(response.bufferFactory().wrap(body)))));
    }

    private Counter counter(String reason) {
        return counters.computeIfAbsent(reason, r -> Counter.builder("basalt_auth_refused")
            .description("Requests refused by authentication or tenant binding")
            .tag("reason", r)
            .register(registry));
    }
}
