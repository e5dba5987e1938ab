package org.vbs.core.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Page;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.UserText;

/**
 * Pages through an owner's sorted ids. The next token is the base64url form of the last id returned,
 * so a page stays correct when resources are added or removed between calls; a token is checked to
 * decode to an id of the right kind before it is used.
 */
final class Pagination {
    static final int MIN_RESULTS = 5;
    static final int MAX_RESULTS = 1000;

    /** A validated page request: how many, and after which id. */
    record PageRequest(Optional<Integer> maxResults, Optional<String> afterId) {
    }

    private Pagination() {
    }

    static PageRequest request(DescribeRequest request, ResourceKind kind) {
        request.maxResults().ifPresent(max -> {
            if (max < MIN_RESULTS || max > MAX_RESULTS) {
                throw RequestRules.invalid("MaxResults " + max + " is out of range: use " + MIN_RESULTS + " to "
                        + MAX_RESULTS + ".");
            }
        });
        return new PageRequest(request.maxResults(), request.nextToken().map(token -> decode(token, kind)));
    }

    static String token(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param ids the owner's ids of this kind, sorted
     * @param load the resource behind an id, if it still exists and is the owner's
     */
    static <R, T> Page<T> page(NavigableSet<String> ids, PageRequest request, Function<String, Optional<R>> load,
                               Predicate<R> filter, Function<R, T> describe) {
        NavigableSet<String> rest = request.afterId().map(after -> ids.tailSet(after, false)).orElse(ids);
        int max = request.maxResults().orElse(Integer.MAX_VALUE);
        List<T> items = new ArrayList<>();
        String lastId = null;
        for (String id : rest) {
            Optional<R> match = load.apply(id).filter(filter);
            if (match.isEmpty()) {
                continue;
            }
            if (items.size() == max) {
                // One more match exists: the caller needs another page, starting after the last one returned.
                return new Page<>(items, Optional.of(token(lastId)));
            }
            items.add(describe.apply(match.get()));
            lastId = id;
        }
        return new Page<>(items, Optional.empty());
    }

    private static String decode(String token, ResourceKind kind) {
        String id;
        try {
            id = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw badToken(token, kind);
        }
        if (!kind.isWellFormed(id)) {
            throw badToken(token, kind);
        }
        return id;
    }

    private static VbsException badToken(String token, ResourceKind kind) {
        return new VbsException(ErrorCode.INVALID_PAGINATION_TOKEN, "The pagination token " + UserText.quote(token)
                + " was not issued by a Describe" + capitalized(kind.noun())
                + "s call; pass the NextToken of the previous page unchanged.");
    }

    private static String capitalized(String noun) {
        return Character.toUpperCase(noun.charAt(0)) + noun.substring(1);
    }
}
