package org.vbs.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vbs.cli.generated.VbsFault;

/** Describe* pagination: one page, or (--all) every page from the first token on, as one list. */
final class Pages {
    /** One page of a Describe* answer. */
    record Page<T>(List<T> items, Optional<String> nextToken) {
        Page {
            items = List.copyOf(items);
        }
    }

    /** Fetches the page that starts at a token (empty: the first page). */
    @FunctionalInterface
    interface Fetcher<T> {
        Page<T> fetch(Optional<String> token) throws VbsFault;
    }

    private Pages() {
    }

    static <T> Page<T> collect(Optional<String> firstToken, boolean all, Fetcher<T> fetcher) throws VbsFault {
        Page<T> page = fetcher.fetch(firstToken);
        if (!all) {
            return page;
        }
        List<T> items = new ArrayList<>(page.items());
        Set<String> seen = new HashSet<>();
        firstToken.ifPresent(seen::add);
        while (page.nextToken().isPresent()) {
            String token = page.nextToken().get();
            if (!seen.add(token)) {
                throw new IllegalStateException("the service returned nextToken '" + token + "' twice; stopping");
            }
            page = fetcher.fetch(Optional.of(token));
            items.addAll(page.items());
        }
        return new Page<>(items, Optional.empty());
    }
}
