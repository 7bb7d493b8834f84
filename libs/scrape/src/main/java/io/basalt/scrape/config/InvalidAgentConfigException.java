package io.basalt.scrape.config;

/** A scrape config file the agent refuses, with the file, line and field in the message. */
public class InvalidAgentConfigException extends RuntimeException {

    public InvalidAgentConfigException(String message) {
        super(message);
    }

    public InvalidAgentConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
