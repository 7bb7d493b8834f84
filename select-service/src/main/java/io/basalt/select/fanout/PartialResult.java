package io.basalt.select.fanout;

import java.util.List;

/**
 * A merged answer from the storage tier.
 *
 * @param partial  true when so many nodes failed that some series may be missing
 * @param warnings one line per node that did not answer
 */
public record PartialResult<T>(T value, boolean partial, List<String> warnings) {
}
