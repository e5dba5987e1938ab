package org.vbs.ws;

import jakarta.ejb.EJB;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.vbs.core.api.Readiness;

/**
 * The readiness URL a load balancer checks ({@code GET <context>/health/ready}): 200 {@code ready}
 * (with what the cluster is still settling after a change of members, if anything: {@code ready,
 * settling: cache metadata is in CONFLICT_RESOLUTION}), or 503 naming what is not ready (a cache not
 * running, or unavailable on a partition's minority side). It
 * needs no signature: it tells only whether this node can serve, nothing of any caller's data.
 */
public class ReadinessServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @EJB
    private transient Readiness readiness;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<String> problems = readiness.problems();
        response.setStatus(problems.isEmpty() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        List<String> settling = problems.isEmpty() ? readiness.settling() : List.of();
        String body = !problems.isEmpty() ? "not ready: " + String.join("; ", problems) + "\n"
                : settling.isEmpty() ? "ready\n" : "ready, settling: " + String.join("; ", settling) + "\n";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
