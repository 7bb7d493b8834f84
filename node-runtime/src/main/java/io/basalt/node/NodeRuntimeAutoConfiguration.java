package io.basalt.node;

import io.basalt.node.status.NodeStatusController;
import io.basalt.node.web.NodeErrorAdvice;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import io.basalt.node.status.NodeStatusContributor;
import org.springframework.context.annotation.Import;

/** Gives every Basalt service the status endpoint and the overload answer without per-service wiring. */
@AutoConfiguration
@Import(NodeErrorAdvice.class)
public class NodeRuntimeAutoConfiguration {

    @AutoConfiguration
    @ConditionalOnBean(NodeStatusContributor.class)
    @Import(NodeStatusController.class)
    public static class StatusEndpoint {
    }
}
