package org.vbs.core.domain;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** Puts an exception and its causes into one line for a log, a fault or a state reason. */
public final class Causes {
    private static final int MAX_DEPTH = 8;

    private Causes() {
    }

    /**
     * "message <- Cause: message <- ... [suppressed: Kind: message <- ...]" (wrappers often say little; their
     * causes say what happened, and a transaction manager's RollbackException names what failed the commit
     * only in a suppressed exception).
     */
    public static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        appendCauses(text, e, 0);
        return text.toString();
    }

    private static int appendCauses(StringBuilder text, Throwable e, int depth) {
        for (Throwable current = e; current != null && depth < MAX_DEPTH; current = current.getCause(), depth++) {
            if (current != e) {
                text.append(" <- ").append(current.getClass().getSimpleName()).append(": ")
                        .append(current.getMessage());
            }
            for (Throwable suppressed : current.getSuppressed()) {
                if (depth + 1 >= MAX_DEPTH) {
                    break;
                }
                text.append(" [suppressed: ").append(suppressed.getClass().getSimpleName()).append(": ")
                        .append(suppressed.getMessage());
                depth = appendCauses(text, suppressed, depth + 1);
                text.append(']');
            }
        }
        return depth;
    }

    /**
     * Whether the exception, one of its causes or one of their suppressed exceptions is of a kind. A
     * transaction manager's RollbackException may carry what made the commit fail as a suppressed
     * exception (Narayana's deferred throwables) rather than as its cause.
     */
    public static boolean anyOf(Throwable e, Predicate<Throwable> kind) {
        return first(e, kind).isPresent();
    }

    /** The first exception of a kind among the exception, its causes and their suppressed exceptions. */
    public static <T extends Throwable> Optional<T> find(Throwable e, Class<T> kind) {
        return first(e, kind::isInstance).map(kind::cast);
    }

    private static Optional<Throwable> first(Throwable e, Predicate<Throwable> kind) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> next = new ArrayDeque<>();
        next.add(e);
        while (!next.isEmpty()) {
            Throwable current = next.poll();
            if (!seen.add(current)) {
                continue;
            }
            if (kind.test(current)) {
                return Optional.of(current);
            }
            if (current.getCause() != null) {
                next.add(current.getCause());
            }
            next.addAll(List.of(current.getSuppressed()));
        }
        return Optional.empty();
    }
}
