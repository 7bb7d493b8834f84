package io.basalt.node.membership;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The storage nodes of the cluster as an operator lists them in a node-list file: one base URL per line, optionally
 * followed by the word {@code draining}; blank lines and {@code #} comments are ignored. A draining node is still read
 * by select, but insert places no new series copies on it, and the rebalancer moves what it holds to the other nodes.
 * The order of lines does not matter for placement (rendezvous hashing ranks nodes by address).
 */
public record StorageNodeList(List<Member> members) {

    public record Member(String url, boolean draining) {
    }

    public StorageNodeList {
        members = List.copyOf(members);
    }

    /** Every listed node, draining or not: what select reads. */
    public List<String> urls() {
        return members.stream().map(Member::url).toList();
    }

    /** The nodes new series copies are placed on. */
    public List<String> placementUrls() {
        return members.stream().filter(m -> !m.draining()).map(Member::url).toList();
    }

    public boolean isDraining(String url) {
        return members.stream().anyMatch(m -> m.draining() && m.url().equals(url));
    }

    /** A list of nodes given by address only (discovery), none draining. */
    public static StorageNodeList of(List<String> urls) {
        return new StorageNodeList(urls.stream().map(u -> new Member(normalize(u), false)).toList());
    }

    /**
     * @param source where the text came from, named in errors
     * @throws IllegalArgumentException naming the line when a line is not a URL with an optional {@code draining}, a
     *         node is listed twice, or no node is listed
     */
    public static StorageNodeList parse(String text, String source) {
        List<Member> members = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceFirst("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            String where = source + " line " + (i + 1) + ": ";
            if (words.length > 2 || (words.length == 2 && !words[1].equals("draining"))) {
                throw new IllegalArgumentException(where + "expected '<url>' or '<url> draining', got '" + line + "'");
            }
            String url = normalize(words[0]);
            URI uri;
            try {
                uri = URI.create(url);
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "'" + words[0] + "' is not a URL", e);
            }
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException(where + "'" + words[0]
                        + "' is not an http(s) URL with a host, e.g. http://storage-1:8482");
            }
            if (!seen.add(url)) {
                throw new IllegalArgumentException(where + url + " is listed twice");
            }
            members.add(new Member(url, words.length == 2));
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException(source + " lists no storage node");
        }
        return new StorageNodeList(members);
    }

    /** Addresses name nodes in placement and metrics, so one node must always be spelled one way. */
    private static String normalize(String url) {
        return url.replaceAll("/+$", "");
    }
}
