package org.vbs.cli;

import jakarta.xml.ws.WebServiceException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import org.apache.cxf.transport.http.HTTPException;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.vbs.cli.generated.AttachVolumeResponseType;
import org.vbs.cli.generated.AttachVolumeType;
import org.vbs.cli.generated.CreateSnapshotResponseType;
import org.vbs.cli.generated.CreateSnapshotType;
import org.vbs.cli.generated.CreateVolumeResponseType;
import org.vbs.cli.generated.CreateVolumeType;
import org.vbs.cli.generated.DeleteSnapshotResponseType;
import org.vbs.cli.generated.DeleteSnapshotType;
import org.vbs.cli.generated.DeleteVolumeResponseType;
import org.vbs.cli.generated.DeleteVolumeType;
import org.vbs.cli.generated.DeregisterHostResponseType;
import org.vbs.cli.generated.DeregisterHostType;
import org.vbs.cli.generated.DescribeHostsResponseType;
import org.vbs.cli.generated.DescribeHostsType;
import org.vbs.cli.generated.DescribePluginsResponseType;
import org.vbs.cli.generated.DescribePluginsType;
import org.vbs.cli.generated.DescribeSnapshotsResponseType;
import org.vbs.cli.generated.DescribeSnapshotsType;
import org.vbs.cli.generated.DescribeVolumesResponseType;
import org.vbs.cli.generated.DescribeVolumesType;
import org.vbs.cli.generated.DetachVolumeResponseType;
import org.vbs.cli.generated.DetachVolumeType;
import org.vbs.cli.generated.ErrorType;
import org.vbs.cli.generated.ReconcileStorageResponseType;
import org.vbs.cli.generated.ReconcileStorageType;
import org.vbs.cli.generated.RegisterHostResponseType;
import org.vbs.cli.generated.RegisterHostType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;

/**
 * The service behind a list of endpoints (nodes of one active-active service). A call goes first to
 * the endpoint that answered the run's previous call (the first endpoint at the start), then to the
 * others in list order, each at most once. Every attempt is a new invocation of that endpoint's
 * port, so CXF signs it anew (new Timestamp, new signature): no node is ever sent a signed message
 * another node may have seen, which every node would refuse as a replay.
 *
 * <p>When a call moves on to the next endpoint ({@link Kind}): always when the request cannot have
 * been taken (it was not sent, or the node answered that it did nothing); only for idempotent calls
 * (Describe*, CreateVolume with its client token) when it may have been taken; never otherwise.
 */
final class FailoverPort implements VolumeServicePortType {
    static final String SERVICE_UNAVAILABLE = "ServiceUnavailable";
    private static final String CONNECT_TIMED_OUT = "Connect timed out";

    /** What a failed attempt says about the request. */
    enum Kind {
        /**
         * Not sent: connection refused, no route, unknown host, connect timeout, a TLS handshake that
         * failed (except on an untrusted server certificate, which is the user's to see).
         */
        NOT_SENT,
        /** Refused undone: HTTP 503, or the service's ServiceUnavailable (it did nothing or rolled back). */
        NOT_TAKEN,
        /**
         * May have been taken: the connection failed after sending (reset, closed, read timeout) or a
         * gateway answered 502/504 (it may have passed the request on).
         */
        AMBIGUOUS,
        /** An answer that ends the call: a service fault, a refused signature, an untrusted answer. */
        FINAL
    }

    /** One operation on one endpoint's port. */
    @FunctionalInterface
    interface Call<T> {
        T on(VolumeServicePortType port) throws VbsFault;
    }

    private final List<URI> endpoints;
    private final PortFactory.EndpointPorts ports;
    private final Consumer<String> debug;
    private final Map<URI, VolumeServicePortType> opened = new HashMap<>();
    private int current;

    /** @param debug told (one line each) why a call moved on to another endpoint */
    FailoverPort(List<URI> endpoints, PortFactory.EndpointPorts ports, Consumer<String> debug) {
        this.endpoints = List.copyOf(endpoints);
        this.ports = ports;
        this.debug = debug;
    }

    <T> T call(String operation, boolean idempotent, Call<T> call) throws VbsFault {
        List<String> tried = new ArrayList<>();
        RuntimeException unreachable = null;
        for (int attempt = 0; attempt < endpoints.size(); attempt++) {
            int index = (current + attempt) % endpoints.size();
            URI endpoint = endpoints.get(index);
            try {
                T answer = call.on(opened.computeIfAbsent(endpoint, ports::port));
                current = index;
                return answer;
            } catch (VbsFault | RuntimeException failure) {
                Kind kind = classify(failure);
                if (kind == Kind.FINAL) {
                    throw failure;
                }
                tried.add(endpoint + ": " + reason(failure));
                if (kind == Kind.AMBIGUOUS && !idempotent) {
                    throw new EndpointsFailedException(operation + " may have taken effect: " + endpoint
                            + " may have received it before the call failed, so it is not sent again (see the"
                            + " describe commands); tried " + String.join("; ", tried), failure);
                }
                if (attempt + 1 < endpoints.size()) {
                    debug.accept(operation + " failed at " + endpoint + " (" + reason(failure) + "); trying "
                            + endpoints.get((index + 1) % endpoints.size()));
                }
                unreachable = new EndpointsFailedException(operation + ": no endpoint took the call; tried "
                        + String.join("; ", tried), failure);
            }
        }
        throw unreachable;
    }

    static Kind classify(Throwable failure) {
        if (failure instanceof VbsFault fault) {
            return SERVICE_UNAVAILABLE.equals(code(fault).orElse("")) ? Kind.NOT_TAKEN : Kind.FINAL;
        }
        if (!(failure instanceof WebServiceException)
                || Failure.cause(failure, ServerTlsTrustManager.UntrustedServerException.class).isPresent()
                || Failure.cause(failure, WSSecurityException.class).isPresent()) {
            return Kind.FINAL;
        }
        Optional<HTTPException> http = Failure.cause(failure, HTTPException.class);
        if (http.isPresent()) {
            return switch (http.get().getResponseCode()) {
                case 503 -> Kind.NOT_TAKEN;
                case 502, 504 -> Kind.AMBIGUOUS;
                default -> Kind.FINAL;
            };
        }
        if (notSent(failure).isPresent()) {
            return Kind.NOT_SENT;
        }
        // Any other I/O failure may have come after the request was sent (reset, closed, read timeout);
        // without one, a SOAP fault the service sent (soap:Client, a refused signature) or a CXF failure.
        return Failure.cause(failure, IOException.class).isPresent() ? Kind.AMBIGUOUS : Kind.FINAL;
    }

    /**
     * The failure that shows the request was not sent, if any: CXF wraps the socket's exception in one
     * of the same type naming the URL ("ConnectException invoking http://...: Connection refused").
     */
    private static Optional<IOException> notSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof SSLHandshakeException || isConnectTimeout(t)) {
                return Optional.of((IOException) t);
            }
        }
        return Optional.empty();
    }

    /**
     * HttpURLConnection tells a connect timeout from a read timeout only by the socket's message (the
     * JDK's NioSocketImpl: "Connect timed out", "Read timed out").
     */
    private static boolean isConnectTimeout(Throwable t) {
        return t instanceof SocketTimeoutException && CONNECT_TIMED_OUT.equals(t.getMessage());
    }

    /** Short: which failure, without the wrappers (never a secret: no request content is in it). */
    private static String reason(Throwable failure) {
        if (failure instanceof VbsFault fault) {
            return code(fault).orElse("ServiceFault") + ": " + Failure.of(fault).message();
        }
        Optional<HTTPException> http = Failure.cause(failure, HTTPException.class);
        if (http.isPresent()) {
            return "HTTP " + http.get().getResponseCode() + " " + http.get().getResponseMessage();
        }
        return notSent(failure).or(() -> Failure.deepestCause(failure, IOException.class)).map(Object::toString)
                .orElseGet(() -> Failure.of(failure).message());
    }

    private static Optional<String> code(VbsFault fault) {
        if (fault.getFaultInfo() == null || fault.getFaultInfo().getErrors() == null) {
            return Optional.empty();
        }
        return fault.getFaultInfo().getErrors().getError().stream().findFirst().map(ErrorType::getCode);
    }

    @Override
    public CreateVolumeResponseType createVolume(CreateVolumeType request) throws VbsFault {
        // With a client token a second CreateVolume returns the volume the first made (EC2's ClientToken).
        return call("CreateVolume", request.getClientToken() != null, port -> port.createVolume(request));
    }

    @Override
    public DeleteVolumeResponseType deleteVolume(DeleteVolumeType request) throws VbsFault {
        return call("DeleteVolume", false, port -> port.deleteVolume(request));
    }

    @Override
    public DescribeVolumesResponseType describeVolumes(DescribeVolumesType request) throws VbsFault {
        return call("DescribeVolumes", true, port -> port.describeVolumes(request));
    }

    @Override
    public CreateSnapshotResponseType createSnapshot(CreateSnapshotType request) throws VbsFault {
        // CreateSnapshot has no client token: a second one could make a second snapshot.
        return call("CreateSnapshot", false, port -> port.createSnapshot(request));
    }

    @Override
    public DeleteSnapshotResponseType deleteSnapshot(DeleteSnapshotType request) throws VbsFault {
        return call("DeleteSnapshot", false, port -> port.deleteSnapshot(request));
    }

    @Override
    public DescribeSnapshotsResponseType describeSnapshots(DescribeSnapshotsType request) throws VbsFault {
        return call("DescribeSnapshots", true, port -> port.describeSnapshots(request));
    }

    @Override
    public AttachVolumeResponseType attachVolume(AttachVolumeType request) throws VbsFault {
        return call("AttachVolume", false, port -> port.attachVolume(request));
    }

    @Override
    public DetachVolumeResponseType detachVolume(DetachVolumeType request) throws VbsFault {
        return call("DetachVolume", false, port -> port.detachVolume(request));
    }

    @Override
    public DescribePluginsResponseType describePlugins(DescribePluginsType request) throws VbsFault {
        return call("DescribePlugins", true, port -> port.describePlugins(request));
    }

    @Override
    public RegisterHostResponseType registerHost(RegisterHostType request) throws VbsFault {
        return call("RegisterHost", false, port -> port.registerHost(request));
    }

    @Override
    public DescribeHostsResponseType describeHosts(DescribeHostsType request) throws VbsFault {
        return call("DescribeHosts", true, port -> port.describeHosts(request));
    }

    @Override
    public DeregisterHostResponseType deregisterHost(DeregisterHostType request) throws VbsFault {
        return call("DeregisterHost", false, port -> port.deregisterHost(request));
    }

    @Override
    public ReconcileStorageResponseType reconcileStorage(ReconcileStorageType request) throws VbsFault {
        // Safe to run again on another node: its removals are idempotent, its error marks compare-and-set.
        return call("ReconcileStorage", true, port -> port.reconcileStorage(request));
    }
}
