package org.vbs.core.service;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.Page;
import org.vbs.core.domain.ResourceKind;

/**
 * The shape every Describe* call shares: either explicit ids (each must be the caller's, or for an
 * administrator anyone's, else the NotFound fault lists the missing ones; no pagination) or a page
 * of the caller's (an administrator's: everyone's) resources.
 * Filters apply in both cases; results come sorted by id.
 */
final class Describing {
    private Describing() {
    }

    /**
     * @param ownedIds the ids of this kind the caller may see, sorted: its own (from the owner index) or, for an administrator, all
     * @param loadOwned the resource behind an id, if it exists and the caller may see it
     */
    static <R, T> Page<T> describe(DescribeRequest request, ResourceKind kind, NavigableSet<String> ownedIds,
                                   Function<String, Optional<R>> loadOwned, Predicate<R> filter,
                                   Function<R, T> describe) {
        if (request.ids().isEmpty()) {
            return Pagination.page(ownedIds, Pagination.request(request, kind), loadOwned, filter, describe);
        }
        if (request.maxResults().isPresent() || request.nextToken().isPresent()) {
            throw RequestRules.invalid("MaxResults and NextToken cannot be combined with explicit " + kind.noun()
                    + " ids.");
        }
        NavigableSet<String> ids = new TreeSet<>();
        request.ids().forEach(id -> ids.add(kind.requireWellFormed(id)));
        List<String> missing = new ArrayList<>();
        List<T> items = new ArrayList<>();
        for (String id : ids) {
            Optional<R> found = loadOwned.apply(id);
            if (found.isEmpty()) {
                missing.add(id);
            } else if (filter.test(found.get())) {
                items.add(describe.apply(found.get()));
            }
        }
        if (!missing.isEmpty()) {
            throw kind.notFound(missing);
        }
        return new Page<>(items, Optional.empty());
    }
}
