package io.basalt.node.web;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Gives each application context event loops and a connection pool of its own instead of Reactor Netty's global ones.
 * Closing a context disposes the resources of its factory; with the global ones that shut down the loops and pool of
 * every other context in the JVM (tests run several: cached test contexts and nodes a test starts and stops), so their
 * servers stopped answering and their clients failed with "event executor terminated". A node runs one context per
 * JVM, where both choices serve the same.
 */
public class NettyResourcesPerContext implements BeanPostProcessor {

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof ReactorResourceFactory factory) {
            factory.setUseGlobalResources(false);
        }
        return bean;
    }
}
