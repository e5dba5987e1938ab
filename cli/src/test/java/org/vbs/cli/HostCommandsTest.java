package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.cli.generated.DeregisterHostResponseType;
import org.vbs.cli.generated.DeregisterHostType;
import org.vbs.cli.generated.DescribeHostsResponseType;
import org.vbs.cli.generated.DescribeHostsType;
import org.vbs.cli.generated.HostProblemSetItemType;
import org.vbs.cli.generated.HostProblemSetType;
import org.vbs.cli.generated.HostPropertySetItemType;
import org.vbs.cli.generated.HostPropertySetType;
import org.vbs.cli.generated.HostSetItemType;
import org.vbs.cli.generated.HostSetType;
import org.vbs.cli.generated.PluginDriverSetItemType;
import org.vbs.cli.generated.PluginDriverSetType;
import org.vbs.cli.generated.RegisterHostResponseType;
import org.vbs.cli.generated.RegisterHostType;

/** register-host, describe-hosts and deregister-host: what they send and how they print the answer. */
class HostCommandsTest {
    @TempDir
    Path dir;

    /** Answers every call with host vs2 (file volume driver, hypervisor plugin missing). */
    private static final class Hosts extends FakePort {
        @Override
        public RegisterHostResponseType registerHost(RegisterHostType request) {
            requests.add(request);
            RegisterHostResponseType response = new RegisterHostResponseType();
            response.setRequestId("req");
            response.setHost(vs2());
            return response;
        }

        @Override
        public DescribeHostsResponseType describeHosts(DescribeHostsType request) {
            requests.add(request);
            DescribeHostsResponseType response = new DescribeHostsResponseType();
            response.setRequestId("req");
            response.setHostSet(new HostSetType());
            response.getHostSet().getItem().add(vs2());
            return response;
        }

        @Override
        public DeregisterHostResponseType deregisterHost(DeregisterHostType request) {
            requests.add(request);
            DeregisterHostResponseType response = new DeregisterHostResponseType();
            response.setRequestId("req");
            response.setReturn(true);
            return response;
        }

        private static HostSetItemType vs2() {
            HostSetItemType host = new HostSetItemType();
            host.setHostName("vs2");
            host.setTransport("local");
            host.setAddress("127.0.0.1");
            host.setDriverSet(new PluginDriverSetType());
            PluginDriverSetItemType driver = new PluginDriverSetItemType();
            driver.setKind("volume");
            driver.setId("file");
            host.getDriverSet().getItem().add(driver);
            host.setPropertySet(new HostPropertySetType());
            HostPropertySetItemType pool = new HostPropertySetItemType();
            pool.setKey("volume.pool");
            pool.setValue("/srv/pool");
            host.getPropertySet().getItem().add(pool);
            host.setProblemSet(new HostProblemSetType());
            HostProblemSetItemType problem = new HostProblemSetItemType();
            problem.setKind("hypervisor");
            problem.setMessage("plugin missing");
            host.getProblemSet().getItem().add(problem);
            return host;
        }
    }

    private static List<String> sent(RegisterHostType request) {
        return request.getPropertySet().getItem().stream().map(i -> i.getKey() + "=" + i.getValue()).toList();
    }

    @Test
    void shouldSendThePropertiesAsGivenAndPrintTheHost() {
        Hosts port = new Hosts();

        CliRun run = CliRun.run(port.factory(), "register-host", "vs2", "--property", "volume.driver=file",
                "--property", "volume.pool=/srv/pool=x");

        assertEquals(ExitCode.OK, run.status(), run.err());
        RegisterHostType sent = port.got(RegisterHostType.class, 0);
        assertEquals("vs2", sent.getHostName());
        assertEquals(List.of("volume.driver=file", "volume.pool=/srv/pool=x"), sent(sent));
        assertEquals("""
                NAME  TRANSPORT  ADDRESS    DRIVERS      PROPERTIES             PROBLEMS
                vs2   local      127.0.0.1  volume/file  volume.pool=/srv/pool  hypervisor: plugin missing
                """, run.out());
    }

    @Test
    void shouldSendTheKeysOfAHostFile() throws IOException {
        Hosts port = new Hosts();
        Path file = Files.writeString(dir.resolve("vs2.properties"), "# a comment\ntransport=local\nvolume.driver=file\n");

        CliRun run = CliRun.run(port.factory(), "register-host", "vs2", "--file", file.toString());

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(List.of("transport=local", "volume.driver=file"), sent(port.got(RegisterHostType.class, 0)));
    }

    @Test
    void shouldRefuseAPropertyGivenTwiceOrBothFormsWithoutCallingTheService() throws IOException {
        Hosts port = new Hosts();
        Path file = Files.writeString(dir.resolve("vs2.properties"), "transport=local\n");

        CliRun twice = CliRun.run(port.factory(), "register-host", "vs2", "--property", "address=a", "--property",
                "address=b");
        CliRun both = CliRun.run(port.factory(), "register-host", "vs2", "--property", "address=a", "--file",
                file.toString());
        CliRun bare = CliRun.run(port.factory(), "register-host", "vs2", "--property", "address");

        for (CliRun run : List.of(twice, both, bare)) {
            assertEquals(ExitCode.USAGE, run.status(), run.err());
            assertTrue(run.err().startsWith("Error: Usage: "), run.err());
        }
        assertEquals(List.of(), port.requests);
    }

    @Test
    void shouldDescribeTheNamedHostsAsJsonAndDeregisterOne() {
        Hosts port = new Hosts();

        CliRun json = CliRun.run(port.factory(), "describe-hosts", "vs2", "--output", "json");
        CliRun deregistered = CliRun.run(port.factory(), "deregister-host", "vs2");

        assertEquals(ExitCode.OK, json.status(), json.err());
        assertEquals(List.of("vs2"), port.got(DescribeHostsType.class, 0).getHostSet().getItem().stream()
                .map(i -> i.getHostName()).toList());
        assertEquals("""
                {
                    "hosts": [
                        {
                            "hostName": "vs2",
                            "transport": "local",
                            "address": "127.0.0.1",
                            "drivers": {
                                "volume": "file"
                            },
                            "properties": {
                                "volume.pool": "/srv/pool"
                            },
                            "problems": {
                                "hypervisor": "plugin missing"
                            }
                        }
                    ]
                }
                """, json.out());
        assertEquals(ExitCode.OK, deregistered.status(), deregistered.err());
        assertEquals("vs2", port.got(DeregisterHostType.class, 0).getHostName());
    }
}
