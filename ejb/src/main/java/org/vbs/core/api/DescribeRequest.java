package org.vbs.core.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Describe* call: explicit ids (empty = all of the caller's), EC2-style filters (name to
 * accepted values; a resource matches when, for every filter, one of the values matches), and
 * pagination.
 *
 * @param maxResults page size; empty means "everything"
 * @param nextToken the token a previous page returned
 */
public record DescribeRequest(List<String> ids, Map<String, List<String>> filters,
                              Optional<Integer> maxResults, Optional<String> nextToken) {
    public DescribeRequest {
        ids = List.copyOf(ids);
        filters = Map.copyOf(filters);
    }

    public static DescribeRequest all() {
        return new DescribeRequest(List.of(), Map.of(), Optional.empty(), Optional.empty());
    }
}
