package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.support.Await;
import org.vbs.it.support.GridCli;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Processes;
import org.vbs.it.support.RecordingRelay;
import org.vbs.it.support.VbsEar;

/**
 * The built CLI given several endpoints, against the real server: nodes that are down or answer 503
 * are passed over; a gateway that passed the call on but lost its answer (504) is passed over only by
 * a call that is safe to repeat (create-volume carries a client token), and each attempt is signed
 * anew, or the server would refuse the second as a replay.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class CliFailoverIT {
    private static final Pattern VOLUME_ID = Pattern.compile("\"volumeId\": \"(vol-[0-9a-f]+)\"");
    private static final Pattern CLIENT_TOKEN = Pattern.compile("clientToken>([^<]+)<");

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @Test
    public void createVolumeGoesThroughTheLiveNodeAndMakesOneVolume() throws Exception {
        URI real = ItConfig.endpoint();
        String tag = "failover=" + UUID.randomUUID();
        try (RecordingRelay unavailable = RecordingRelay.holding(real);
             RecordingRelay gateway = RecordingRelay.losingAnswers(real)) {
            String urls = String.join(",", closedPort(), unavailable.endpoint().toString(),
                    gateway.endpoint().toString(), real.toString());

            // when create-volume is given a dead node, a 503 node, a gateway losing answers and the real one
            Processes.Result created = GridCli.runAt(urls, "create-volume", "--size", "1", "--tag", tag,
                    "--output", "json", "--debug");

            // then it succeeds through the real one, having tried each in turn once
            assertEquals(0, created.exitCode(), created.describe());
            assertEquals(1, unavailable.captured().size(), created.describe());
            assertEquals(1, gateway.captured().size(), created.describe());
            assertTrue(created.stderr().contains("vbs: CreateVolume failed at " + gateway.endpoint() + " (HTTP 504"),
                    created.describe());
            // the call the gateway passed on made the volume; the retry, signed anew with the same client
            // token, was taken (no replay) and answered with that same volume: one volume for one create
            String token = only(CLIENT_TOKEN, new String(gateway.captured().get(0).body()));
            assertTrue(token.startsWith("vbs-cli-"), token);
            String volume = only(VOLUME_ID, created.stdout());
            Processes.Result described = GridCli.run("describe-volumes", "--filter", "tag:" + tag,
                    "--output", "json");
            assertEquals(0, described.exitCode(), described.describe());
            assertEquals(List.of(volume), VOLUME_ID.matcher(described.stdout()).results().map(m -> m.group(1)).toList(),
                    described.describe());

            // when delete-volume meets the gateway losing its answer
            Processes.Result deleted = GridCli.runAt(gateway.endpoint() + "," + real, "delete-volume", volume);

            // then it is not repeated on the real node: exit 3, saying it may have taken effect (it did)
            assertEquals(3, deleted.exitCode(), deleted.describe());
            assertTrue(deleted.stderr().startsWith("Error: ConnectionFailed: DeleteVolume may have taken effect: "
                    + gateway.endpoint() + " may have received it"), deleted.describe());
            assertEquals(2, gateway.captured().size(), deleted.describe());
            Await.until(volume + " deleted by the call whose answer was lost", Duration.ofMinutes(1), () -> {
                Processes.Result now = GridCli.run("describe-volumes", "--filter", "tag:" + tag, "--output", "json");
                return VOLUME_ID.matcher(now.stdout()).find() ? Optional.empty() : Optional.of(now);
            }, () -> "still listed");
        }
    }

    @Test
    public void onlyDeadEndpointsGiveExit3NamingEach() throws Exception {
        String first = closedPort();
        String second = closedPort();

        Processes.Result run = GridCli.runAt(first + "," + second, "describe-volumes");

        assertEquals(3, run.exitCode(), run.describe());
        assertTrue(run.stderr().startsWith("Error: ConnectionFailed: DescribeVolumes: no endpoint took the call; tried "
                + first + ": java.net.ConnectException"), run.describe());
        assertTrue(run.stderr().contains("; " + second + ": java.net.ConnectException"), run.describe());
        assertEquals("", run.stdout());
    }

    /** A loopback endpoint nothing listens on. */
    private static String closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/vbs/VolumeService";
        }
    }

    private static String only(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertTrue(matcher.find(), text);
        return matcher.group(1);
    }
}
