package org.vbs.core.api;

import java.util.List;
import java.util.Optional;

/** One page of a Describe* answer; {@code nextToken} is present when more follow. */
public record Page<T>(List<T> items, Optional<String> nextToken) {
    public Page {
        items = List.copyOf(items);
    }
}
