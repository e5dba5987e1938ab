package org.vbs.ws;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.jws.WebService;
import jakarta.xml.ws.WebServiceContext;
import java.security.cert.X509Certificate;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.cxf.interceptor.InInterceptors;
import org.apache.cxf.interceptor.OutFaultInterceptors;
import org.jboss.logging.Logger;
import org.jboss.ws.api.annotation.EndpointConfig;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.HostAdministration;
import org.vbs.core.api.StorageReconciliation;
import org.vbs.core.api.PluginStatus;
import org.vbs.core.api.RequestContext;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.VolumeService;
import org.vbs.core.config.VbsHome;
import org.vbs.security.Fqan;
import org.vbs.security.GridIdentity;
import org.vbs.security.grid.GridMapFile;
import org.vbs.security.grid.SignerChain;
import org.vbs.security.grid.VomsTrust;
import org.vbs.security.pki.PkiLayout;
import org.vbs.ws.generated.AttachVolumeResponseType;
import org.vbs.ws.generated.AttachVolumeType;
import org.vbs.ws.generated.CreateSnapshotResponseType;
import org.vbs.ws.generated.CreateSnapshotType;
import org.vbs.ws.generated.CreateVolumeResponseType;
import org.vbs.ws.generated.CreateVolumeType;
import org.vbs.ws.generated.DeleteSnapshotResponseType;
import org.vbs.ws.generated.DeleteSnapshotType;
import org.vbs.ws.generated.DeleteVolumeResponseType;
import org.vbs.ws.generated.DeleteVolumeType;
import org.vbs.ws.generated.DeregisterHostResponseType;
import org.vbs.ws.generated.DeregisterHostType;
import org.vbs.ws.generated.DescribeHostsResponseType;
import org.vbs.ws.generated.DescribeHostsType;
import org.vbs.ws.generated.DescribePluginsResponseType;
import org.vbs.ws.generated.DescribePluginsType;
import org.vbs.ws.generated.DescribeSnapshotsResponseType;
import org.vbs.ws.generated.DescribeSnapshotsType;
import org.vbs.ws.generated.DescribeVolumesResponseType;
import org.vbs.ws.generated.DescribeVolumesType;
import org.vbs.ws.generated.DetachVolumeResponseType;
import org.vbs.ws.generated.DetachVolumeType;
import org.vbs.ws.generated.ReconcileStorageResponseType;
import org.vbs.ws.generated.ReconcileStorageType;
import org.vbs.ws.generated.RegisterHostResponseType;
import org.vbs.ws.generated.RegisterHostType;
import org.vbs.ws.generated.VbsFault;
import org.vbs.ws.generated.VolumeServicePortType;

/**
 * The SOAP API. Each operation names the signed caller, maps the request, calls the service EJB and
 * maps the result back; there is no business logic here.
 *
 * <p>The contract, WS-SecurityPolicy included, is the WSDL in WEB-INF/wsdl: it is what the server
 * publishes and enforces. The keys and trust that the policy needs come from the server's endpoint
 * configuration "VBS-Signed-Endpoint", so an operator points the service at their own CA and
 * credential without rebuilding it. A fault the caller caused answers as soap:Client, the others as
 * soap:Server ({@link FaultCodeInterceptor}).
 */
@WebService(serviceName = "VolumeService", portName = "VolumeServicePort", targetNamespace = "urn:vbs:2026-11",
        wsdlLocation = "WEB-INF/wsdl/VolumeService.wsdl",
        endpointInterface = "org.vbs.ws.generated.VolumeServicePortType")
@EndpointConfig(configName = "VBS-Signed-Endpoint")
@InInterceptors(classes = ReplayCacheInterceptor.class)
@OutFaultInterceptors(classes = {FaultCodeInterceptor.class, AuditFaultInterceptor.class})
public class VolumeServiceEndpoint implements VolumeServicePortType {

    private static final Logger LOG = Logger.getLogger(VolumeServiceEndpoint.class);
    /** EC2's words for a refusal; which check refused is for the log, not the caller. */
    private static final String UNAUTHORIZED = "You are not authorized to perform this operation.";
    /** Who may use the service at all, if the file exists: {@code "<DN>" account} lines. */
    static final String GRID_MAPFILE = "grid-mapfile";

    private final RequestMapper requests = new RequestMapper();
    private final ResponseMapper responses = new ResponseMapper();
    private final FaultMapper faults = new FaultMapper();

    @Resource
    private WebServiceContext context;

    @EJB
    private VolumeService volumes;

    @EJB
    private PluginStatus plugins;

    @EJB
    private HostAdministration hosts;

    @EJB
    private StorageReconciliation reconciliation;

    private final GridMapFile gridMap;
    private final VomsTrust voms;
    private final TlsClient tlsClient;

    /**
     * For the container, which injects the fields; the grid-mapfile is {@code ${vbs.home}/grid-mapfile};
     * the vomsdir, and the CA directory TLS client certificates are checked against, are the ones the
     * server's crypto.properties names (the file WS-Security reads too).
     */
    public VolumeServiceEndpoint() {
        Path cryptoProperties = PkiLayout.under(VbsHome.resolve()).cryptoProperties();
        this.gridMap = new GridMapFile(VbsHome.resolve().resolve(GRID_MAPFILE));
        this.voms = VomsTrust.forServer(cryptoProperties);
        this.tlsClient = TlsClient.ofServerTrust(cryptoProperties);
    }

    /** With its collaborators given, as the unit tests do. */
    VolumeServiceEndpoint(WebServiceContext context, VolumeService volumes, PluginStatus plugins,
                          HostAdministration hosts, StorageReconciliation reconciliation, GridMapFile gridMap,
                          VomsTrust voms, TlsClient tlsClient) {
        this.gridMap = gridMap;
        this.voms = voms;
        this.tlsClient = tlsClient;
        this.context = context;
        this.volumes = volumes;
        this.plugins = plugins;
        this.hosts = hosts;
        this.reconciliation = reconciliation;
    }

    @Override
    public CreateVolumeResponseType createVolume(CreateVolumeType request) throws VbsFault {
        return call("CreateVolume", Access.CHANGE, null, call -> responses.createdVolume(call.requestId(),
                volumes.createVolume(call, requests.createVolume(request))));
    }

    @Override
    public DeleteVolumeResponseType deleteVolume(DeleteVolumeType request) throws VbsFault {
        return call("DeleteVolume", Access.CHANGE, request.getVolumeId(), call -> {
            volumes.deleteVolume(call, requests.required(request.getVolumeId(), "volumeId"));
            return responses.deletedVolume(call.requestId());
        });
    }

    @Override
    public DescribeVolumesResponseType describeVolumes(DescribeVolumesType request) throws VbsFault {
        return call("DescribeVolumes", Access.READ, null, call -> responses.volumes(call.requestId(),
                volumes.describeVolumes(call, requests.describeVolumes(request))));
    }

    @Override
    public AttachVolumeResponseType attachVolume(AttachVolumeType request) throws VbsFault {
        return call("AttachVolume", Access.CHANGE, request.getVolumeId(), call -> responses.attached(call.requestId(), volumes.attachVolume(call,
                requests.required(request.getVolumeId(), "volumeId"), requests.required(request.getHost(), "host"),
                requests.required(request.getInstanceId(), "instanceId"),
                requests.required(request.getDevice(), "device"))));
    }

    @Override
    public DetachVolumeResponseType detachVolume(DetachVolumeType request) throws VbsFault {
        return call("DetachVolume", Access.CHANGE, request.getVolumeId(), call -> responses.detached(call.requestId(), volumes.detachVolume(call,
                requests.required(request.getVolumeId(), "volumeId"),
                requests.optionalCheck(request.getInstanceId(), "instanceId"),
                requests.optionalCheck(request.getDevice(), "device"), requests.force(request.isForce()))));
    }

    @Override
    public CreateSnapshotResponseType createSnapshot(CreateSnapshotType request) throws VbsFault {
        return call("CreateSnapshot", Access.CHANGE, request.getVolumeId(), call -> responses.createdSnapshot(call.requestId(),
                volumes.createSnapshot(call, requests.required(request.getVolumeId(), "volumeId"),
                        requests.snapshotDescription(request))));
    }

    @Override
    public DeleteSnapshotResponseType deleteSnapshot(DeleteSnapshotType request) throws VbsFault {
        return call("DeleteSnapshot", Access.CHANGE, request.getSnapshotId(), call -> {
            volumes.deleteSnapshot(call, requests.required(request.getSnapshotId(), "snapshotId"));
            return responses.deletedSnapshot(call.requestId());
        });
    }

    @Override
    public DescribeSnapshotsResponseType describeSnapshots(DescribeSnapshotsType request) throws VbsFault {
        return call("DescribeSnapshots", Access.READ, null, call -> responses.snapshots(call.requestId(),
                volumes.describeSnapshots(call, requests.describeSnapshots(request))));
    }

    @Override
    public DescribePluginsResponseType describePlugins(DescribePluginsType request) throws VbsFault {
        return call("DescribePlugins", Access.READ, null, call -> responses.plugins(call.requestId(),
                plugins.bundles(call)));
    }

    @Override
    public RegisterHostResponseType registerHost(RegisterHostType request) throws VbsFault {
        return call("RegisterHost", Access.CHANGE, request.getHostName(), call -> responses.registeredHost(call.requestId(), hosts.registerHost(call,
                requests.required(request.getHostName(), "hostName"), requests.hostProperties(request))));
    }

    @Override
    public DescribeHostsResponseType describeHosts(DescribeHostsType request) throws VbsFault {
        return call("DescribeHosts", Access.READ, null, call -> responses.hosts(call.requestId(), hosts.describeHosts(call,
                requests.hostNames(request))));
    }

    @Override
    public DeregisterHostResponseType deregisterHost(DeregisterHostType request) throws VbsFault {
        return call("DeregisterHost", Access.CHANGE, request.getHostName(), call -> {
            hosts.deregisterHost(call, requests.required(request.getHostName(), "hostName"));
            return responses.deregisteredHost(call.requestId());
        });
    }

    @Override
    public ReconcileStorageResponseType reconcileStorage(ReconcileStorageType request) throws VbsFault {
        // CHANGE even when only reporting: a run marks volumes whose storage is gone error.
        return call("ReconcileStorage", Access.CHANGE, null, call -> responses.reconciled(call.requestId(),
                reconciliation.reconcileStorage(call, requests.reconcilePolicy(request))));
    }

    /** What an operation does to the caller's resources: a limited proxy may only read. */
    private enum Access {
        READ, CHANGE
    }

    /** One operation's body, given the signed caller and the fresh request id. */
    @FunctionalInterface
    private interface Operation<T> {
        T run(RequestContext request);
    }

    /**
     * Runs an operation under a fresh request id, as the signer, if the signer may: a caller not in
     * the grid-mapfile, or signing with a limited proxy for anything but a read, is refused with
     * EC2's generic refusal (which check refused goes to the audit log only). A refusal by the
     * service becomes its fault; anything else is logged here with the request id and becomes
     * InternalError without the details. Every call ends in one audit line.
     *
     * @param resource the id the request names (a volume, snapshot or host), or null
     */
    private <T> T call(String operation, Access access, String resource, Operation<T> body) throws VbsFault {
        String requestId = UUID.randomUUID().toString();
        // The fault interceptor must not write a second line for a call refused here.
        Audit audit = new Audit(requestId, operation, Optional.ofNullable(resource),
                () -> context.getMessageContext().put(AuditFaultInterceptor.AUDITED, Boolean.TRUE));
        try {
            X509Certificate[] chain = CallerIdentity.chain(context);
            SignerChain signer = SignerChain.of(chain);
            audit.signer = Optional.of(signer);
            VomsTrust.VomsCheck attributes = voms.check(chain);
            if (!attributes.accepted()) {
                // A forged or stale attribute refuses the call: serving it without the attributes would
                // hide the forgery, and serving it with them would believe it.
                LOG.warnf("%s refused: request %s, caller %s: %s", operation, requestId, signer.identity(),
                        attributes.refusal().orElseThrow());
                throw audit.refuse(attributes.refusal().orElseThrow());
            }
            audit.fqans = attributes.fqans();
            try {
                audit.via = tlsClient.via(context, signer.identity());
            } catch (TlsClient.UntrustedClientException e) {
                throw audit.refuse(e.getMessage());
            }
            if (!gridMap.admits(signer.identity(), attributes.fqans())) {
                throw audit.refuse("not in the grid-mapfile");
            }
            if (signer.limited() && access != Access.READ) {
                throw audit.refuse("a limited proxy may only read");
            }
            T result = body.run(new RequestContext(requestId, signer.identity(), attributes.fqans()));
            audit.done(AuditLog.madeBy(result));
            return result;
        } catch (VbsException refusal) {
            LOG.debugf("%s refused: request %s, caller %s, %s: %s", operation, requestId, audit.caller(),
                    refusal.code().code(), refusal.getMessage());
            audit.refused(refusal);
            if (refusal.code() == ErrorCode.UNAUTHORIZED_OPERATION) {
                // Which check refused is for the operator (audit log), never for the caller.
                throw faults.fault(requestId, new VbsException(ErrorCode.UNAUTHORIZED_OPERATION, UNAUTHORIZED));
            }
            throw faults.fault(requestId, refusal);
        } catch (RuntimeException failure) {
            LOG.errorf(failure, "%s failed: request %s, caller %s", operation, requestId, audit.caller());
            audit.failed("InternalError: " + failure.getClass().getSimpleName());
            throw faults.internalError(requestId);
        }
    }

    /** The audit line of one call, written once its outcome is known. */
    private static final class Audit {
        private final String requestId;
        private final String operation;
        private final Optional<String> resource;
        private final Runnable written;
        private Optional<SignerChain> signer = Optional.empty();
        private List<Fqan> fqans = List.of();
        private Optional<GridIdentity> via = Optional.empty();
        private Optional<String> reason = Optional.empty();

        Audit(String requestId, String operation, Optional<String> resource, Runnable written) {
            this.written = written;
            this.requestId = requestId;
            this.operation = operation;
            this.resource = resource;
        }

        Optional<GridIdentity> caller() {
            return signer.map(SignerChain::identity);
        }

        /** A refusal by the endpoint's own checks; the reason is kept for the line. */
        VbsException refuse(String why) {
            reason = Optional.of(why);
            return new VbsException(ErrorCode.UNAUTHORIZED_OPERATION, UNAUTHORIZED);
        }

        void done(Optional<String> made) {
            write(AuditLog.Outcome.ALLOWED, made.or(() -> resource), Optional.empty());
        }

        void refused(VbsException refusal) {
            String why = refusal.code().code() + ": " + reason.orElse(refusal.getMessage());
            // Faults on the service's side (capacity, unavailability, internal errors) are its failures.
            write(refusal.code().side() == ErrorCode.Side.SERVER ? AuditLog.Outcome.FAILED : AuditLog.Outcome.REFUSED,
                    resource,
                    Optional.of(why));
        }

        void failed(String why) {
            write(AuditLog.Outcome.FAILED, resource, Optional.of(why));
        }

        private void write(AuditLog.Outcome outcome, Optional<String> shown, Optional<String> why) {
            written.run();
            String proxy = signer.map(s -> s.limited() ? "limited" : s.proxy() ? "yes" : "no").orElse("-");
            AuditLog.write(new AuditLog.Entry(Instant.now(), Optional.of(requestId), caller(),
                    fqans.stream().map(Fqan::toString).toList(), proxy, operation, shown, outcome, why, via));
        }
    }
}
