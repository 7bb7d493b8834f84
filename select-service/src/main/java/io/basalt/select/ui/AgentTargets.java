package io.basalt.select.ui;

import io.basalt.model.TenantId;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Targets page's data: every configured agent's {@code /api/v1/targets}, asked from here so the browser needs
 * no access to (or CORS from) the agents. The answer keeps Prometheus' shape, each target tagged with its agent, plus
 * {@code data.agents} saying which agents answered; an agent that did not becomes a warning, not an error.
 *
 * <p>Agents scrape for the whole cluster: their targets' addresses, labels and errors belong to no one tenant. They
 * are shown under tenant 0 only, the tenant that the cluster's own tenant-less paths address, so with authentication
 * on only credentials allowed tenant 0 see them. Under any other tenant the answer is empty, with a warning that
 * says where to look, and no agent is asked.
 */
@RestController
public class AgentTargets {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Ten thousand targets with their labels fit comfortably. */
    private static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;

    private final UiProperties props;

    private final WebClient client;

    public AgentTargets(UiProperties props, WebClient.Builder webClients) {
        this.props = props;
        this.client = webClients.clone()
            .codecs(c -> c.defaultCodecs().maxInMemorySize(MAX_ANSWER_BYTES))
            .build();
    }

    private record AgentAnswer(URI agent, JsonNode targets, String error) {
    }

    static final String OTHER_TENANT_WARNING = "the agents' targets are shown under tenant 0 only (/select/0/ui/): "
            + "agents scrape for the whole cluster, so their targets are not one tenant's data";

    @GetMapping(path = "/select/{tenant}/ui/api/targets", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<String> targets(@PathVariable String tenant) {
        if (!TenantId.parse(tenant).equals(TenantId.DEFAULT)) {
            return Mono.just(merge(List.of(), List.of(OTHER_TENANT_WARNING)));
        }
        return Flux.fromIterable(props.getAgents())
            .flatMapSequential(this::ask)
            .collectList()
            .map(answers -> merge(answers, List.of()));
    }

    private Mono<AgentAnswer> ask(URI agent) {
        String base = agent.toString().replaceAll("/+$", "");
        return client.get()
            .uri(URI.create(base + "/api/v1/targets"))
            .accept(MediaType.APPLICATION_JSON)
            .retrieve()
            .bodyToMono(byte[].class)
            .timeout(props.getAgentTimeout())
            .map(body -> {
                JsonNode root = JSON.readTree(body);
                if (!"success".equals(root.path("status").asString(""))) {
                    return new AgentAnswer(agent, null, "answered " + root.path("error").asString("without success"));
                }
                return new AgentAnswer(agent, root.path("data").path("activeTargets"), null);
            })
            .onErrorResume(e -> Mono.just(new AgentAnswer(agent, null, describe(e))));
    }

    private static String describe(Throwable e) {
        if (e instanceof WebClientResponseException w) {
            return "answered HTTP " + w.getStatusCode().value();
        }
        if (e instanceof java.util.concurrent.TimeoutException) {
            return "did not answer in time";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private static String merge(List<AgentAnswer> answers, List<String> notes) {
        ObjectNode out = JSON.createObjectNode();
        out.put("status", "success");
        ObjectNode data = out.putObject("data");
        ArrayNode agents = data.putArray("agents");
        ArrayNode active = data.putArray("activeTargets");
        data.putArray("droppedTargets");
        List<String> warnings = new ArrayList<>(notes);
        for (AgentAnswer a : answers) {
            ObjectNode agent = agents.addObject();
            agent.put("url", a.agent().toString());
            agent.put("up", a.error() == null);
            if (a.error() != null) {
                agent.put("error", a.error());
                warnings.add("agent " + a.agent() + " " + a.error());
                continue;
            }
            for (JsonNode t : a.targets()) {
                if (t instanceof ObjectNode target) {
                    target.put("agent", a.agent().toString());
                    active.add(target);
                }
            }
        }
        if (!warnings.isEmpty()) {
            ArrayNode w = out.putArray("warnings");
            warnings.forEach(w::add);
        }
        return JSON.writeValueAsString(out);
    }
}
