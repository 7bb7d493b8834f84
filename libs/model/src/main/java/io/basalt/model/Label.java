package io.basalt.model;

/** One name/value pair of a series' identity. */
public record Label(String name, String value) {
}
