package io.basalt.select.api;

/** A parameter Prometheus would refuse: answered 400 with {@code errorType: bad_data}. */
class BadRequestException extends RuntimeException {

    BadRequestException(String message) {
        super(message);
    }
}
