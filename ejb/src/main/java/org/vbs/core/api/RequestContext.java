package org.vbs.core.api;

import java.util.List;
import java.util.Objects;
import org.vbs.security.Fqan;
import org.vbs.security.GridIdentity;

/**
 * Who calls, and the id of this call: every log line of the call carries the id (as the log context
 * {@value #LOG_KEY}), and a fault returns it, so an operator finds a caller's failure in the log.
 *
 * @param requestId the id the endpoint gave the call (returned as RequestID)
 * @param caller the signer: a caller sees, changes and deletes only what its DN owns
 * @param fqans the caller's VOMS attributes, validated against the vomsdir (none for a chain
 *     without VOMS attributes): they may make the caller an administrator ({@link org.vbs.core.auth.AdminList}),
 *     never the owner of anything
 */
public record RequestContext(String requestId, GridIdentity caller, List<Fqan> fqans) {
    /** The log context (MDC) key holding the request id. */
    public static final String LOG_KEY = "vbs.request";

    public RequestContext {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(caller, "caller");
        fqans = List.copyOf(fqans);
    }

    /** A caller without VOMS attributes. */
    public RequestContext(String requestId, GridIdentity caller) {
        this(requestId, caller, List.of());
    }
}
