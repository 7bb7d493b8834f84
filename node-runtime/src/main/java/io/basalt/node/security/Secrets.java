package io.basalt.node.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Reads a secret from exactly one of: a file (Docker and Kubernetes secrets are mounted as files), an environment
 * variable, or a literal value. Errors name the property, never the value.
 */
final class Secrets {

    private final UnaryOperator<String> environment;

    Secrets(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    static Secrets fromSystem() {
        return new Secrets(System::getenv);
    }

    /**
     * @param property the property prefix named in error messages, e.g. {@code basalt.security.client.password}
     * @return the secret, or {@code null} when none of the three is set
     * @throws IllegalStateException when more than one is set, the file cannot be read, the variable is unset or the
     *                               secret is empty
     */
    String read(String property, String literal, String file, String env) {
        List<String> given = new ArrayList<>();
        if (BasaltSecurityProperties.present(literal)) {
            given.add(property);
        }
        if (BasaltSecurityProperties.present(file)) {
            given.add(property + "-file");
        }
        if (BasaltSecurityProperties.present(env)) {
            given.add(property + "-env");
        }
        if (given.isEmpty()) {
            return null;
        }
        if (given.size() > 1) {
            throw new IllegalStateException("set only one of " + String.join(", ", given));
        }
        String value;
        if (BasaltSecurityProperties.present(file)) {
            try {
                value = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            }
            catch (IOException e) {
                throw new IllegalStateException(property + "-file: cannot read " + file + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        else if (BasaltSecurityProperties.present(env)) {
            value = environment.apply(env);
            if (value == null) {
                throw new IllegalStateException(property + "-env: environment variable " + env + " is not set");
            }
        }
        else {
            value = literal;
        }
        // Secret files usually end with a newline that is not part of the secret.
        value = value.strip();
        if (value.isEmpty()) {
            throw new IllegalStateException(given.get(0) + ": the secret is empty");
        }
        return value;
    }
}
