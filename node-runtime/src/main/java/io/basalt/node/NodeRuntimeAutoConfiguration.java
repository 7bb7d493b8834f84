package io.basalt.node;

import io.basalt.node.status.NodeStatusController;
import io.basalt.node.web.NodeErrorAdvice;
import io.basalt.node.web.SlowClientTimeouts;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import io.basalt.node.status.NodeStatusContributor;
import org.springframework.context.annotation.Import;

/**
 * Gives every Basalt service the status endpoint, the overload answer and the slow-client timeouts without
 * per-service wiring.
 */
@AutoConfiguration
@Import({ NodeErrorAdvice.class, SlowClientTimeouts.class })
public class NodeRuntimeAutoConfiguration {

    @AutoConfiguration
    @ConditionalOnBean(NodeStatusContributor.class)
    @Import(NodeStatusController.class)
    public static class StatusEndpoint {
    }
}
