package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.WebServiceContext;
import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.security.auth.x500.X500Principal;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.HostAdministration;
import org.vbs.core.api.StorageReconciliation;
import org.vbs.core.api.Page;
import org.vbs.core.api.PluginStatus;
import org.vbs.core.api.RequestContext;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeService;
import org.vbs.core.api.VolumeState;
import org.vbs.security.Credential;
import org.vbs.security.Fqan;
import org.vbs.security.GridIdentity;
import org.vbs.security.NewFile;
import org.vbs.security.grid.CaDirectory;
import org.vbs.security.grid.GridTrustSettings;
import org.vbs.security.grid.TrustDirectory;
import org.vbs.security.grid.VomsTrust;
import org.vbs.security.pki.VomsServer;
import org.vbs.security.grid.GridMapFile;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;
import org.vbs.ws.generated.AttachVolumeResponseType;
import org.vbs.ws.generated.AttachVolumeType;
import org.vbs.ws.generated.CreateVolumeResponseType;
import org.vbs.ws.generated.CreateVolumeType;
import org.vbs.ws.generated.DeleteVolumeType;
import org.vbs.ws.generated.DeregisterHostType;
import org.vbs.ws.generated.DescribeHostsSetItemType;
import org.vbs.ws.generated.DescribeHostsSetType;
import org.vbs.ws.generated.DescribeHostsType;
import org.vbs.ws.generated.DescribePluginsType;
import org.vbs.ws.generated.DescribeVolumesType;
import org.vbs.ws.generated.DetachVolumeResponseType;
import org.vbs.ws.generated.DetachVolumeType;
import org.vbs.ws.generated.ErrorType;
import org.vbs.ws.generated.HostPropertySetItemType;
import org.vbs.ws.generated.HostPropertySetType;
import org.vbs.ws.generated.HostSetItemType;
import org.vbs.ws.generated.ReconcileStorageResponseType;
import org.vbs.ws.generated.ReconcileStorageType;
import org.vbs.ws.generated.RegisterHostResponseType;
import org.vbs.ws.generated.RegisterHostType;
import org.vbs.ws.generated.VbsFault;

/** The endpoint's own duties: who the caller is, request ids, and which failure becomes which fault. */
class VolumeServiceEndpointTest {

    private static final X500Principal ALICE = new X500Principal("CN=Alice, OU=People, O=Grid");
    private static final CertificateAuthority CA = DevPki.newCa("CN=Endpoint Test CA,O=Grid");
    /** Alice's credential: the endpoint sees only what WS-Security verified, her certificate. */
    private static final Credential ALICE_CREDENTIAL = CA.issueUser(ALICE.getName());

    /** The contexts here carry no TLS client certificate: its trust check is never asked. */
    private static final TlsClient NO_TLS_CLIENT = new TlsClient(chain -> {
        throw new AssertionError("no TLS client certificate in these tests");
    });

    private static final Instant ATTACHED_AT = Instant.parse("2026-11-30T10:15:30.250Z");

    private final RecordingVolumeService service = new RecordingVolumeService();
    private final RecordingHosts hosts = new RecordingHosts();
    private final RecordingReconciliation reconciliation = new RecordingReconciliation();

    @TempDir
    Path work;

    @Test
    void shouldAttachWithTheHostAndAnswerTheAttachment() throws VbsFault {
        AttachVolumeType request = new AttachVolumeType();
        request.setVolumeId("vol-0123456789abcdef0");
        request.setHost("kvm7");
        request.setInstanceId("vm-42");
        request.setDevice("vdb");

        AttachVolumeResponseType response = endpointFor(ALICE_CREDENTIAL).attachVolume(request);

        assertEquals(List.of(List.of("vol-0123456789abcdef0", "kvm7", "vm-42", "vdb")), service.arguments);
        assertEquals("vol-0123456789abcdef0", response.getVolumeId());
        assertEquals("vm-42", response.getInstanceId());
        assertEquals("vdb", response.getDevice());
        assertEquals("attached", response.getStatus());
        assertEquals("2026-11-30T10:15:30.250Z", response.getAttachTime().toXMLFormat());
        assertEquals(List.of(response.getRequestId()), service.requestIds);
    }

    @Test
    void shouldRefuseAnAttachWithoutHostWithoutCallingTheService() {
        AttachVolumeType request = new AttachVolumeType();
        request.setVolumeId("vol-0123456789abcdef0");
        request.setInstanceId("vm-42");
        request.setDevice("vdb");

        VbsFault fault = assertThrows(VbsFault.class, () -> endpointFor(ALICE_CREDENTIAL).attachVolume(request));

        assertEquals("MissingParameter", onlyError(fault).getCode());
        assertTrue(onlyError(fault).getMessage().contains("host"), onlyError(fault).getMessage());
        assertTrue(service.callers.isEmpty());
    }

    @Test
    void shouldDetachWithoutChecksOrForceWhenOnlyTheVolumeIsGiven() throws VbsFault {
        DetachVolumeType request = new DetachVolumeType();
        request.setVolumeId("vol-0123456789abcdef0");

        DetachVolumeResponseType response = endpointFor(ALICE_CREDENTIAL).detachVolume(request);

        assertEquals(List.of(List.of("vol-0123456789abcdef0", Optional.empty(), Optional.empty(), false)),
                service.arguments);
        assertEquals("detached", response.getStatus());
        assertEquals("vm-42", response.getInstanceId());
        assertEquals("vdb", response.getDevice());
    }

    @Test
    void shouldPassDetachChecksAndForceToTheService() throws VbsFault {
        DetachVolumeType request = new DetachVolumeType();
        request.setVolumeId("vol-0123456789abcdef0");
        request.setInstanceId("vm-42");
        request.setDevice("vdb");
        request.setForce(true);

        endpointFor(ALICE_CREDENTIAL).detachVolume(request);

        assertEquals(List.of(List.of("vol-0123456789abcdef0", Optional.of("vm-42"), Optional.of("vdb"), true)),
                service.arguments);
    }

    @Test
    void shouldRefuseAnEmptyDetachCheckWithoutCallingTheService() {
        DetachVolumeType request = new DetachVolumeType();
        request.setVolumeId("vol-0123456789abcdef0");
        request.setInstanceId("");

        VbsFault fault = assertThrows(VbsFault.class, () -> endpointFor(ALICE_CREDENTIAL).detachVolume(request));

        assertEquals("InvalidParameterValue", onlyError(fault).getCode());
        assertTrue(service.callers.isEmpty());
    }

    @Test
    void shouldTurnAnAttachmentMismatchIntoEc2sFault() {
        service.failure = new VbsException(ErrorCode.INVALID_ATTACHMENT_NOT_FOUND,
                "Volume vol-0123456789abcdef0 is not attached to instance 'vm-7'; it is attached to vm-42.");
        DetachVolumeType request = new DetachVolumeType();
        request.setVolumeId("vol-0123456789abcdef0");
        request.setInstanceId("vm-7");

        VbsFault fault = assertThrows(VbsFault.class, () -> endpointFor(ALICE_CREDENTIAL).detachVolume(request));

        assertEquals("InvalidAttachment.NotFound", onlyError(fault).getCode());
    }

    @Test
    void shouldCallTheServiceAsTheSignerWithAFreshRequestIdPerCall() throws VbsFault {
        VolumeServiceEndpoint endpoint = endpointFor(ALICE_CREDENTIAL);
        CreateVolumeType request = new CreateVolumeType();
        request.setSize("1");

        CreateVolumeResponseType first = endpoint.createVolume(request);
        CreateVolumeResponseType second = endpoint.createVolume(request);

        assertEquals(List.of(GridIdentity.of(ALICE), GridIdentity.of(ALICE)), service.callers);
        assertEquals("CN=Alice,OU=People,O=Grid", service.callers.get(0).dn());
        UUID.fromString(first.getRequestId());
        assertNotEquals(first.getRequestId(), second.getRequestId());
        // The service logs under the id the caller gets back.
        assertEquals(List.of(first.getRequestId(), second.getRequestId()), service.requestIds);
    }

    @Test
    void shouldRefuseACallWithoutSignerAndNeverCallTheService() {
        VolumeServiceEndpoint endpoint = endpointFor(SignedContext.withSignatures(List.of()));

        VbsFault fault = assertThrows(VbsFault.class, () -> endpoint.createVolume(new CreateVolumeType()));

        assertEquals("UnauthorizedOperation", onlyError(fault).getCode());
        assertTrue(service.callers.isEmpty());
    }

    @Test
    void shouldRefuseACallerThatIsNotAnX509Signer() {
        // A signature verified with no certificate (e.g. a bare key): there is no grid identity in it.
        VolumeServiceEndpoint endpoint = endpointFor(SignedContext.of());

        VbsFault fault = assertThrows(VbsFault.class, () -> endpoint.createVolume(new CreateVolumeType()));

        assertEquals("UnauthorizedOperation", onlyError(fault).getCode());
        assertTrue(service.callers.isEmpty());
    }

    @Test
    void shouldCallTheServiceAsTheEndEntityOfAProxyChain() throws Exception {
        Credential proxyOfProxy = proxyOf(proxyOf(ALICE_CREDENTIAL, false), false);
        CreateVolumeType request = new CreateVolumeType();
        request.setSize("1");

        endpointFor(proxyOfProxy).createVolume(request);

        assertEquals(List.of(GridIdentity.of(ALICE)), service.callers);
    }

    @Test
    void shouldCallTheServiceWithTheValidatedFqansOfAVomsProxy() throws Exception {
        try (VomsFixture vomsFixture = new VomsFixture(work)) {
            Credential vomsProxy = VomsServer.proxyWith(ALICE_CREDENTIAL, List.of(vomsFixture.server.issue(
                    ALICE_CREDENTIAL.certificate(), List.of("/myvo/Role=storage-admin/Capability=NULL"),
                    Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600))));

            endpointFor(vomsProxy, vomsFixture.trust).describeVolumes(new DescribeVolumesType());
            endpointFor(ALICE_CREDENTIAL, vomsFixture.trust).describeVolumes(new DescribeVolumesType());

            assertEquals(List.of(GridIdentity.of(ALICE), GridIdentity.of(ALICE)), service.callers);
            assertEquals(List.of(List.of(Fqan.parse("/myvo/Role=storage-admin")), List.of()), service.fqans);
        }
    }

    @Test
    void shouldRefuseAForgedOrExpiredAcWithTheGenericRefusalAndNeverCallTheService() throws Exception {
        try (VomsFixture vomsFixture = new VomsFixture(work)) {
            // an impostor of the listed VOMS server (same names, its own CA key) and the genuine one, expired
            VomsServer impostor = VomsServer.issuedBy(DevPki.newCa("CN=VOMS Endpoint Test CA,O=Grid"), "myvo",
                    "voms.example.org");
            Credential forged = VomsServer.proxyWith(ALICE_CREDENTIAL, List.of(impostor.issue(
                    ALICE_CREDENTIAL.certificate(), List.of("/myvo/Role=storage-admin/Capability=NULL"),
                    Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600))));
            Credential expired = VomsServer.proxyWith(ALICE_CREDENTIAL, List.of(vomsFixture.server.issue(
                    ALICE_CREDENTIAL.certificate(), List.of("/myvo/Role=storage-admin/Capability=NULL"),
                    Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3600))));

            for (Credential refused : List.of(forged, expired)) {
                VbsFault fault = assertThrows(VbsFault.class,
                        () -> endpointFor(refused, vomsFixture.trust).describeVolumes(new DescribeVolumesType()));
                assertEquals("UnauthorizedOperation", onlyError(fault).getCode());
                assertEquals("You are not authorized to perform this operation.", onlyError(fault).getMessage());
            }
            assertTrue(service.callers.isEmpty());
        }
    }

    @Test
    void shouldLetALimitedProxyReadButNotChange() throws Exception {
        VolumeServiceEndpoint endpoint = endpointFor(proxyOf(ALICE_CREDENTIAL, true));
        CreateVolumeType create = new CreateVolumeType();
        create.setSize("1");
        DeleteVolumeType delete = new DeleteVolumeType();
        delete.setVolumeId("vol-0123456789abcdef0");

        endpoint.describeVolumes(new DescribeVolumesType());
        VbsFault refusedCreate = assertThrows(VbsFault.class, () -> endpoint.createVolume(create));
        VbsFault refusedDelete = assertThrows(VbsFault.class, () -> endpoint.deleteVolume(delete));

        assertEquals("UnauthorizedOperation", onlyError(refusedCreate).getCode());
        assertEquals("UnauthorizedOperation", onlyError(refusedDelete).getCode());
        assertEquals(List.of(GridIdentity.of(ALICE)), service.callers, "only the read reached the service");
    }

    @Test
    void shouldRefuseACallerTheGridMapfileDoesNotListWithTheGenericRefusal() throws Exception {
        Path gridMap = Files.writeString(work.resolve("grid-mapfile"), "\"/O=Grid/OU=People/CN=Bob\" bob\n");
        VolumeServiceEndpoint endpoint = new VolumeServiceEndpoint(SignedContext.of(ALICE_CREDENTIAL.certificate()),
                service, caller -> List.of(), hosts, reconciliation, new GridMapFile(gridMap), VomsTrust.none(), NO_TLS_CLIENT);

        VbsFault fault = assertThrows(VbsFault.class, () -> endpoint.describeVolumes(new DescribeVolumesType()));

        assertEquals("UnauthorizedOperation", onlyError(fault).getCode());
        assertEquals("You are not authorized to perform this operation.", onlyError(fault).getMessage());
        assertTrue(service.callers.isEmpty());
    }

    @Test
    void shouldAnswerTheServicesOwnAuthorizationRefusalWithTheGenericOne() {
        service.failure = new VbsException(ErrorCode.UNAUTHORIZED_OPERATION, "the plugin status is for administrators");
        CreateVolumeType request = new CreateVolumeType();
        request.setSize("1");

        VbsFault fault = assertThrows(VbsFault.class, () -> endpointFor(ALICE_CREDENTIAL).createVolume(request));

        assertEquals("You are not authorized to perform this operation.", onlyError(fault).getMessage());
    }

    @Test
    void shouldTurnAServiceRefusalIntoItsFault() {
        service.failure = new VbsException(ErrorCode.INVALID_VOLUME_NOT_FOUND,
                "The volume 'vol-00000000000000009' does not exist.");
        VolumeServiceEndpoint endpoint = endpointFor(ALICE_CREDENTIAL);
        DeleteVolumeType request = new DeleteVolumeType();
        request.setVolumeId("vol-00000000000000009");

        VbsFault fault = assertThrows(VbsFault.class, () -> endpoint.deleteVolume(request));

        assertEquals("InvalidVolume.NotFound", onlyError(fault).getCode());
        assertEquals("The volume 'vol-00000000000000009' does not exist.", onlyError(fault).getMessage());
        UUID.fromString(fault.getFaultInfo().getRequestID());
    }

    @Test
    void shouldRefuseAMissingIdWithoutCallingTheService() {
        VolumeServiceEndpoint endpoint = endpointFor(ALICE_CREDENTIAL);

        VbsFault fault = assertThrows(VbsFault.class, () -> endpoint.deleteVolume(new DeleteVolumeType()));

        assertEquals("MissingParameter", onlyError(fault).getCode());
        assertTrue(service.callers.isEmpty());
    }

    @Test
    void shouldHideAnUnexpectedFailureBehindInternalError() {
        service.failure = new IllegalStateException("cache 'volumes' at /var/secret/path: password=hunter2");
        VolumeServiceEndpoint endpoint = endpointFor(ALICE_CREDENTIAL);
        CreateVolumeType request = new CreateVolumeType();
        request.setSize("1");

        VbsFault fault = assertThrows(VbsFault.class, () -> endpoint.createVolume(request));

        ErrorType error = onlyError(fault);
        assertEquals("InternalError", error.getCode());
        assertFalse(error.getMessage().contains("hunter2"), error.getMessage());
        assertFalse(error.getMessage().contains("/var/secret"), error.getMessage());
        assertFalse(fault.getMessage().contains("hunter2"), fault.getMessage());
        assertTrue(error.getMessage().contains(fault.getFaultInfo().getRequestID()), error.getMessage());
        assertNull(fault.getCause());
    }

    @Test
    void shouldAskThePluginHostAsTheSigner() throws VbsFault {
        List<GridIdentity> askedBy = new ArrayList<>();
        PluginStatus plugins = request -> {
            askedBy.add(request.caller());
            return List.of();
        };
        VolumeServiceEndpoint endpoint = new VolumeServiceEndpoint(
                SignedContext.of(ALICE_CREDENTIAL.certificate()), service, plugins, new RecordingHosts(), reconciliation, noGridMap(),
                VomsTrust.none(), NO_TLS_CLIENT);

        assertTrue(endpoint.describePlugins(new DescribePluginsType()).getPluginSet().getItem().isEmpty());
        assertEquals(List.of(GridIdentity.of(ALICE)), askedBy);
    }

    private VolumeServiceEndpoint endpointFor(Credential signer) {
        return endpointFor(SignedContext.of(signer.chain().toArray(new X509Certificate[0])));
    }

    private VolumeServiceEndpoint endpointFor(Credential signer, VomsTrust voms) {
        PluginStatus noPlugins = request -> List.of();
        return new VolumeServiceEndpoint(SignedContext.of(signer.chain().toArray(new X509Certificate[0])), service,
                noPlugins, hosts, reconciliation, noGridMap(), voms, NO_TLS_CLIENT);
    }

    /** The endpoint test CA's directory and a vomsdir listing one VOMS server of that CA, "myvo" on voms.example.org. */
    private static final class VomsFixture implements AutoCloseable {
        final VomsServer server = VomsServer.issuedBy(CA, "myvo", "voms.example.org");
        final TrustDirectory cas;
        final VomsTrust trust;

        VomsFixture(Path work) throws Exception {
            Path certificates = work.resolve("certificates");
            Path vomsdir = Files.createDirectories(work.resolve("vomsdir"));
            NewFile.writeAll(List.of(new CaDirectory(certificates).certificate(CA.certificate()), server.lscFile(vomsdir)));
            cas = TrustDirectory.open(GridTrustSettings.of(certificates));
            trust = VomsTrust.open(vomsdir, cas);
        }

        @Override
        public void close() {
            trust.close();
            cas.close();
        }
    }

    private VolumeServiceEndpoint endpointFor(WebServiceContext context) {
        PluginStatus noPlugins = request -> List.of();
        return new VolumeServiceEndpoint(context, service, noPlugins, hosts, reconciliation, noGridMap(), VomsTrust.none(),
                NO_TLS_CLIENT);
    }

    /** No grid-mapfile: every signer of a trusted CA may call. */
    private GridMapFile noGridMap() {
        return new GridMapFile(work.resolve("no-grid-mapfile"));
    }

    private static Credential proxyOf(Credential user, boolean limited) throws Exception {
        ProxyCertificateOptions options = new ProxyCertificateOptions(user.chain().toArray(new X509Certificate[0]));
        options.setType(ProxyType.RFC3820);
        options.setLimited(limited);
        ProxyCertificate proxy = ProxyGenerator.generate(options, user.privateKey());
        return new Credential(proxy.getPrivateKey(), List.of(proxy.getCertificateChain()));
    }

    @Test
    void shouldRegisterAHostWithItsPropertiesAsTheSignerAndAnswerItWithoutHiddenValues() throws VbsFault {
        RegisterHostType request = new RegisterHostType();
        request.setHostName("vs2");
        request.setPropertySet(new HostPropertySetType());
        for (String[] pair : new String[][] {{"transport", "local"}, {"volume.driver", "file"}, {"volume.pool", "/p"}}) {
            HostPropertySetItemType item = new HostPropertySetItemType();
            item.setKey(pair[0]);
            item.setValue(pair[1]);
            request.getPropertySet().getItem().add(item);
        }

        RegisterHostResponseType response = endpointFor(ALICE_CREDENTIAL).registerHost(request);

        assertEquals(List.of("register vs2 {transport=local, volume.driver=file, volume.pool=/p} by "
                + GridIdentity.of(ALICE)), hosts.calls);
        HostSetItemType host = response.getHost();
        assertEquals(List.of("vs2", "local", "127.0.0.1"), List.of(host.getHostName(), host.getTransport(),
                host.getAddress()));
        assertEquals(List.of("volume/file"), host.getDriverSet().getItem().stream()
                .map(d -> d.getKind() + "/" + d.getId()).toList());
        assertEquals(List.of("volume.pool=/p", "volume.secret=(hidden)"), host.getPropertySet().getItem().stream()
                .map(p -> p.getKey() + "=" + p.getValue()).toList());
        assertEquals(List.of("hypervisor: plugin missing"), host.getProblemSet().getItem().stream()
                .map(p -> p.getKind() + ": " + p.getMessage()).toList());
    }

    @Test
    void shouldRefuseAPropertyGivenTwiceWithoutCallingTheService() {
        RegisterHostType request = new RegisterHostType();
        request.setHostName("vs2");
        request.setPropertySet(new HostPropertySetType());
        for (String value : List.of("a", "b")) {
            HostPropertySetItemType item = new HostPropertySetItemType();
            item.setKey("address");
            item.setValue(value);
            request.getPropertySet().getItem().add(item);
        }

        VbsFault fault = assertThrows(VbsFault.class, () -> endpointFor(ALICE_CREDENTIAL).registerHost(request));

        assertEquals("InvalidParameterValue", onlyError(fault).getCode());
        assertTrue(onlyError(fault).getMessage().contains("'address'"), onlyError(fault).getMessage());
        assertEquals(List.of(), hosts.calls);
    }

    @Test
    void shouldDescribeTheNamedHostsAndDeregisterOne() throws VbsFault {
        DescribeHostsType describe = new DescribeHostsType();
        describe.setHostSet(new DescribeHostsSetType());
        DescribeHostsSetItemType item = new DescribeHostsSetItemType();
        item.setHostName("vs2");
        describe.getHostSet().getItem().add(item);
        DeregisterHostType deregister = new DeregisterHostType();
        deregister.setHostName("vs2");

        assertEquals(List.of("vs2"), endpointFor(ALICE_CREDENTIAL).describeHosts(describe).getHostSet().getItem().stream()
                .map(HostSetItemType::getHostName).toList());
        assertTrue(endpointFor(ALICE_CREDENTIAL).deregisterHost(deregister).isReturn());
        assertEquals(List.of("describe [vs2]", "deregister vs2"), hosts.calls);
    }

    @Test
    void shouldReconcileWithTheCallersPolicyAndAnswerEveryFindingAndWhatWasNotChecked() throws VbsFault {
        ReconcileStorageType request = new ReconcileStorageType();
        request.setPolicy("clean");

        ReconcileStorageResponseType response = endpointFor(ALICE_CREDENTIAL).reconcileStorage(request);

        assertEquals(List.of("clean by " + GridIdentity.of(ALICE)), reconciliation.calls);
        assertEquals(List.of("node-1", "clean", "2026-11-30T10:00:00Z"), List.of(response.getNode(),
                response.getPolicy(), response.getTime().toXMLFormat()));
        assertEquals(List.of("local orphan-volume-storage vol-0123456789abcdef0  cleaned null",
                "local orphan-target iqn.2026-11.org.vbs:vol-0123456789abcdef0.deadbeef volume vol-0123456789abcdef0"
                        + " clean-failed tgtadm failed"),
                response.getFindingSet().getItem().stream().map(f -> String.join(" ", f.getHostName(), f.getKind(),
                        f.getResourceId(), f.getDetail(), f.getOutcome(), String.valueOf(f.getProblem()))).toList());
        assertEquals(List.of("kvm1 hypervisor devices: no instance listing"), response.getUncheckedSet().getItem()
                .stream().map(u -> u.getHostName() + " " + u.getWhat() + ": " + u.getReason()).toList());
    }

    @Test
    void shouldLeaveThePolicyToTheServerWhenNoneIsGivenAndRefuseAnUnknownOneWithoutCallingTheService() throws Exception {
        endpointFor(ALICE_CREDENTIAL).reconcileStorage(new ReconcileStorageType());
        ReconcileStorageType purge = new ReconcileStorageType();
        purge.setPolicy("purge");

        VbsFault unknown = assertThrows(VbsFault.class, () -> endpointFor(ALICE_CREDENTIAL).reconcileStorage(purge));
        VbsFault limited = assertThrows(VbsFault.class, () -> endpointFor(proxyOf(ALICE_CREDENTIAL, true))
                .reconcileStorage(new ReconcileStorageType()));

        assertEquals("InvalidParameterValue", onlyError(unknown).getCode());
        assertTrue(onlyError(unknown).getMessage().contains("purge"), onlyError(unknown).getMessage());
        assertEquals("UnauthorizedOperation", onlyError(limited).getCode());
        assertEquals(List.of("server's by " + GridIdentity.of(ALICE)), reconciliation.calls);
    }

    /** Records what the endpoint asked for and answers a run with two findings and one thing not checked. */
    private static final class RecordingReconciliation implements StorageReconciliation {
        final List<String> calls = new ArrayList<>();

        @Override
        public Report reconcileStorage(RequestContext request, Optional<Policy> policy) {
            calls.add(policy.map(Policy::wireName).orElse("server's") + " by " + request.caller());
            return new Report("node-1", policy.orElse(Policy.REPORT), Instant.parse("2026-11-30T10:00:00Z"), List.of(
                    new Finding("local", Kind.ORPHAN_VOLUME_STORAGE, "vol-0123456789abcdef0", "", Outcome.CLEANED,
                            Optional.empty()),
                    new Finding("local", Kind.ORPHAN_TARGET, "iqn.2026-11.org.vbs:vol-0123456789abcdef0.deadbeef",
                            "volume vol-0123456789abcdef0", Outcome.CLEAN_FAILED, Optional.of("tgtadm failed"))),
                    List.of(new Unchecked("kvm1", "hypervisor devices", "no instance listing")));
        }
    }

    /** Records what the endpoint asked for and answers one host, "vs2", whose hypervisor plugin is missing. */
    private static final class RecordingHosts implements HostAdministration {
        final List<String> calls = new ArrayList<>();

        private static Host vs2() {
            return new Host("vs2", "local", "127.0.0.1", Map.of("volume", "file"),
                    Map.of("volume.secret", Host.HIDDEN, "volume.pool", "/p"), Map.of("hypervisor", "plugin missing"));
        }

        @Override
        public Host registerHost(RequestContext request, String name, Map<String, String> items) {
            calls.add("register " + name + " " + new TreeMap<>(items) + " by " + request.caller());
            return vs2();
        }

        @Override
        public List<Host> describeHosts(RequestContext request, Set<String> names) {
            calls.add("describe " + names);
            return List.of(vs2());
        }

        @Override
        public void deregisterHost(RequestContext request, String name) {
            calls.add("deregister " + name);
        }
    }

    private static ErrorType onlyError(VbsFault fault) {
        assertEquals(1, fault.getFaultInfo().getErrors().getError().size());
        return fault.getFaultInfo().getErrors().getError().get(0);
    }

    /** A context as CXF hands it over after WS-Security verified a message: the signature's results. */
    private static final class SignedContext {
        private SignedContext() {
        }

        /** A message signed with the chain (an X509v3 token for one certificate, a PKI path otherwise). */
        static WebServiceContext of(X509Certificate... chain) {
            WSSecurityEngineResult signature = new WSSecurityEngineResult(WSConstants.SIGN);
            if (chain.length == 1) {
                signature.put(WSSecurityEngineResult.TAG_X509_CERTIFICATE, chain[0]);
            } else if (chain.length > 1) {
                signature.put(WSSecurityEngineResult.TAG_X509_CERTIFICATE, chain[0]);
                signature.put(WSSecurityEngineResult.TAG_X509_CERTIFICATES, chain);
            }
            return withSignatures(List.of(signature));
        }

        static WebServiceContext withSignatures(List<WSSecurityEngineResult> signatures) {
            return new FixedContext(Map.of(WSHandlerConstants.RECV_RESULTS, List.of(new WSHandlerResult(null,
                    signatures, Map.of(WSConstants.SIGN, signatures)))));
        }
    }

    /** Records who called; answers CreateVolume with a fixed volume or throws the set failure. */
    private static final class RecordingVolumeService implements VolumeService {
        final List<GridIdentity> callers = new ArrayList<>();
        final List<List<Fqan>> fqans = new ArrayList<>();
        final List<String> requestIds = new ArrayList<>();
        final List<List<Object>> arguments = new ArrayList<>();
        RuntimeException failure;

        private void called(RequestContext request) {
            callers.add(request.caller());
            fqans.add(request.fqans());
            requestIds.add(request.requestId());
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public Volume createVolume(RequestContext caller, CreateVolumeRequest request) {
            called(caller);
            return new Volume("vol-0123456789abcdef0", caller.caller().dn(), request.sizeGiB().orElseThrow(),
                    Optional.empty(), VolumeState.CREATING, Optional.empty(), Instant.EPOCH, Map.of(), Optional.empty(), 1);
        }

        @Override
        public Volume deleteVolume(RequestContext caller, String volumeId) {
            called(caller);
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public Page<Volume> describeVolumes(RequestContext caller, DescribeRequest request) {
            called(caller);
            return new Page<>(List.of(), Optional.empty());
        }

        @Override
        public Snapshot createSnapshot(RequestContext caller, String volumeId, String description) {
            called(caller);
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public void deleteSnapshot(RequestContext caller, String snapshotId) {
            called(caller);
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public Page<Snapshot> describeSnapshots(RequestContext caller, DescribeRequest request) {
            called(caller);
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public VolumeAttachment attachVolume(RequestContext caller, String volumeId, String host, String instanceId,
                                             String device) {
            called(caller);
            arguments.add(List.of(volumeId, host, instanceId, device));
            return new VolumeAttachment(volumeId, instanceId, host, device, VolumeAttachment.Status.ATTACHED,
                    ATTACHED_AT);
        }

        @Override
        public VolumeAttachment detachVolume(RequestContext caller, String volumeId, Optional<String> instanceId,
                                             Optional<String> device, boolean force) {
            called(caller);
            arguments.add(List.of(volumeId, instanceId, device, force));
            return new VolumeAttachment(volumeId, "vm-42", "kvm7", "vdb", VolumeAttachment.Status.DETACHED,
                    ATTACHED_AT);
        }
    }
}
