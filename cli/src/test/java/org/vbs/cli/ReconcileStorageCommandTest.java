package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javax.xml.datatype.DatatypeFactory;
import org.junit.jupiter.api.Test;
import org.vbs.cli.generated.ReconcileFindingSetItemType;
import org.vbs.cli.generated.ReconcileFindingSetType;
import org.vbs.cli.generated.ReconcileStorageResponseType;
import org.vbs.cli.generated.ReconcileStorageType;
import org.vbs.cli.generated.ReconcileUncheckedSetItemType;
import org.vbs.cli.generated.ReconcileUncheckedSetType;

/** reconcile-storage: the policy it sends (or leaves to the server) and how it prints the report. */
class ReconcileStorageCommandTest {

    /** Answers every call with one cleaned orphan file and one host whose devices were not all checked. */
    private static final class Reconciling extends FakePort {
        @Override
        public ReconcileStorageResponseType reconcileStorage(ReconcileStorageType request) {
            requests.add(request);
            ReconcileStorageResponseType response = new ReconcileStorageResponseType();
            response.setRequestId("req");
            response.setNode("node1");
            response.setPolicy(request.getPolicy() == null ? "report" : request.getPolicy());
            try {
                response.setTime(DatatypeFactory.newInstance().newXMLGregorianCalendar("2026-11-30T10:00:00Z"));
            } catch (javax.xml.datatype.DatatypeConfigurationException e) {
                throw new IllegalStateException(e);
            }
            response.setFindingSet(new ReconcileFindingSetType());
            ReconcileFindingSetItemType finding = new ReconcileFindingSetItemType();
            finding.setHostName("local");
            finding.setKind("orphan-volume-storage");
            finding.setResourceId("vol-0123456789abcdef0");
            finding.setDetail("");
            finding.setOutcome("cleaned");
            response.getFindingSet().getItem().add(finding);
            response.setUncheckedSet(new ReconcileUncheckedSetType());
            ReconcileUncheckedSetItemType unchecked = new ReconcileUncheckedSetItemType();
            unchecked.setHostName("kvm1");
            unchecked.setWhat("hypervisor devices");
            unchecked.setReason("only attached instances");
            response.getUncheckedSet().getItem().add(unchecked);
            return response;
        }
    }

    @Test
    void shouldSendTheCleanPolicyAndPrintTheReportAsJson() {
        Reconciling port = new Reconciling();

        CliRun run = CliRun.run(port.factory(), "reconcile-storage", "--policy", "clean", "--output", "json");

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals("clean", port.got(ReconcileStorageType.class, 0).getPolicy());
        assertEquals("""
                {
                    "node": "node1",
                    "policy": "clean",
                    "time": "2026-11-30T10:00:00Z",
                    "findings": [
                        {
                            "hostName": "local",
                            "kind": "orphan-volume-storage",
                            "resourceId": "vol-0123456789abcdef0",
                            "detail": "",
                            "outcome": "cleaned",
                            "problem": null
                        }
                    ],
                    "unchecked": [
                        {
                            "hostName": "kvm1",
                            "what": "hypervisor devices",
                            "reason": "only attached instances"
                        }
                    ]
                }
                """, run.out());
    }

    @Test
    void shouldLeaveThePolicyToTheServerAndPrintATableWithWhatWasNotCheckedUnderIt() {
        Reconciling port = new Reconciling();

        CliRun run = CliRun.run(port.factory(), "reconcile-storage");

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertNull(port.got(ReconcileStorageType.class, 0).getPolicy());
        assertEquals("""
                HOST   KIND                   RESOURCE               DETAIL  OUTCOME  PROBLEM
                local  orphan-volume-storage  vol-0123456789abcdef0  -       cleaned  -
                """, run.out());
        assertTrue(run.err().contains("Not checked: kvm1: hypervisor devices (only attached instances)"), run.err());
    }

    @Test
    void shouldRefuseAnUnknownPolicyWithoutCallingTheService() {
        Reconciling port = new Reconciling();

        CliRun run = CliRun.run(port.factory(), "reconcile-storage", "--policy", "purge");

        assertEquals(ExitCode.USAGE, run.status(), run.err());
        assertEquals(List.of(), port.requests);
    }
}
