package io.basalt.scrape.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * PEM text given inline or in a file. A file is parsed again whenever its modification time or size changes, which is
 * checked at each TLS handshake, so rotated certificates are used by the next connection without a reload.
 */
final class PemSource {

    private final String field;

    private final Path file;

    private PemContent content;

    private Object version;

    private PemSource(String field, String inline, Path file) {
        this.field = field;
        this.file = file;
        if (inline != null) {
            content = new PemContent(inline);
        }
    }

    /** @return {@code null} when neither is given */
    static PemSource of(String field, String inline, Path file) {
        return inline == null && file == null ? null : new PemSource(field, inline, file);
    }

    /** Changes whenever the content does; compare with {@code equals}. */
    synchronized Object version() {
        refresh();
        return version;
    }

    synchronized PemContent content() {
        refresh();
        return content;
    }

    private void refresh() {
        if (file == null) {
            return;
        }
        Object now;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            now = a.lastModifiedTime().toInstant() + "/" + a.size() + "/" + a.fileKey();
        }
        catch (IOException e) {
            throw new CredentialException("cannot read " + field + " " + file + ": " + e.getClass().getSimpleName());
        }
        if (now.equals(version)) {
            return;
        }
        try {
            content = new PemContent(Files.readString(file));
        }
        catch (IOException | RuntimeException e) {
            throw new CredentialException("cannot read " + field + " " + file + ": " + e.getClass().getSimpleName());
        }
        version = now;
    }

    String field() {
        return field;
    }
}
