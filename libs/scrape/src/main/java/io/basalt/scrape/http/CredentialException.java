package io.basalt.scrape.http;

/** A credential that could not be obtained for a request; the message names the file or endpoint, never a secret. */
public class CredentialException extends RuntimeException {

    public CredentialException(String message) {
        super(message, null, false, false);
    }
}
