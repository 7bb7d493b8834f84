package io.basalt.scrape.discovery;

/** A service-discovery source could not be read; its message says why. */
public class DiscoveryException extends RuntimeException {

    public DiscoveryException(String message) {
        super(message);
    }

    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
