package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.PlainJGroupsMember;
import org.vbs.it.support.Processes;
import org.vbs.it.support.Resources;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;
import org.vbs.plugins.testkit.tools.NetworkNamespace;
import org.vbs.security.KeyStores;
import org.vbs.security.NewFile;
import org.vbs.security.pki.ClusterKeys;
import org.vbs.security.pki.PkiLayout;

/**
 * The cluster traffic is guarded (ear/src/main/cli/17-cluster-guard.cli): a process that reaches a node's
 * JGroups port without the cluster's key neither joins its view nor reads its metadata. The member node
 * binds its cluster traffic to the root end of a veth pair into a network namespace of this test's own
 * ({@code VBS_BIND_PRIVATE}); from inside that namespace, which holds no key, a plain JGroups member
 * (WildFly's tcp stack without AUTH and SYM_ENCRYPT, {@link PlainJGroupsMember}) asks to join. Beside
 * them, in the root namespace, an outsider node started exactly as the README's second node (same
 * cluster name, same host list) but on a VBS_HOME with a PKI of its own, so a cluster key of its own;
 * and an impostor that holds the member's bare cluster key but not the cluster's shared secret (AUTH).
 * Both servers, and the namespace, are stopped by this test at the end, whatever happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ClusterGuardIT {
    /** As in {@link ClusterPairIT}: no port of the outsider is one of the member's. */
    private static final int OUTSIDER_OFFSET = 50;
    private static final String MEMBER = "guard-member";
    private static final String OUTSIDER = "guard-outsider";
    private static final String PLAIN_CLIENT = "guard-plain-client";
    private static final String IMPOSTOR = "guard-impostor";
    /** Between the member's and the outsider's: no port of the impostor is one of theirs. */
    private static final int IMPOSTOR_OFFSET = 25;
    private static final String CLUSTER = "vbs-it-guard";
    /** What the member's SYM_ENCRYPT logs for a message under another key, and for an unencrypted one. */
    private static final String OTHER_KEY_REFUSED = "rejected decryption of";
    private static final String PLAIN_REFUSED = "received message without encrypt header from";
    /** What the member's AUTH logs for a join request that decrypts but does not prove the shared secret. */
    private static final String AUTH_REFUSED = "failed to validate AuthHeader";
    private static final Duration BOOT_PATIENCE = Duration.ofMinutes(10);
    /** The outsider's join is refused within seconds of its start; the bound only ends a test that sees none. */
    private static final Duration REFUSAL_PATIENCE = Duration.ofMinutes(2);

    /** The plain member connects within seconds (it gives up joining); the bound only ends a hung one. */
    private static final Duration PLAIN_PATIENCE = Duration.ofMinutes(2);

    private NetworkNamespace noKey;
    private ServerProcess member;
    private ServerProcess outsider;
    private int memberJGroupsPort;

    @BeforeAll
    public void startAMemberAndAnOutsiderWithAnotherKey() throws Exception {
        Path work = ItConfig.workDir().resolve("cluster-guard");
        VbsHomes.deleteTree(work);
        int memberOffset = ItConfig.systemPortOffset();
        int outsiderOffset = memberOffset + OUTSIDER_OFFSET;
        memberJGroupsPort = 7600 + memberOffset;
        noKey = NetworkNamespace.create();
        String[] cluster = {"-Dvbs.cluster.name=" + CLUSTER, "-Dvbs.jgroups.initial-hosts=" + noKey.hostAddress()
                + "[" + memberJGroupsPort + "],127.0.0.1[" + (7600 + outsiderOffset) + "]"};
        Path memberWork = Files.createDirectories(work.resolve(MEMBER));
        Path outsiderWork = Files.createDirectories(work.resolve(OUTSIDER));
        member = ServerProcess.withoutLab(memberWork.resolve("vbs-home"), memberOffset, memberWork)
                .withArguments(cluster).withNodeName(MEMBER).withPrivateAddress(noKey.hostAddress());
        outsider = ServerProcess.withoutLab(outsiderWork.resolve("vbs-home"), outsiderOffset, outsiderWork)
                .withArguments(cluster).withNodeName(OUTSIDER);
        // Each home its own development PKI: another CA, another key store password, another cluster key.
        VbsHomes.make(member.vbsHome(), List.of());
        VbsHomes.make(outsider.vbsHome(), List.of());

        // The member first, so it leads its view when the outsider asks to join.
        member.launch();
        member.awaitAnswering(BOOT_PATIENCE);
        outsider.launch();
        outsider.awaitAnswering(BOOT_PATIENCE);
    }

    @AfterAll
    public void stopBoth() throws Exception {
        List<AutoCloseable> stops = new ArrayList<>();
        for (ServerProcess node : new ServerProcess[] {outsider, member}) {
            if (node != null) {
                stops.add(node::stop);
            }
        }
        if (noKey != null) {
            stops.add(noKey);
        }
        Resources.closeAll(stops);
    }

    @Test
    public void nodeWithAnotherClusterKeyIsRefusedAndReadsNoneOfTheMembersVolumes() throws Exception {
        // given the outsider asked to join (its join request reached the member, which refused it)
        String refusal = awaitLine(member, OTHER_KEY_REFUSED, OUTSIDER);
        assertTrue(refusal.contains("non-member"), refusal);

        // then each is a cluster of one: the outsider is in no view of the member's, and the reverse
        String memberView = member.clusterView();
        assertTrue(memberView.contains("(1) [" + MEMBER + "("), memberView);
        assertFalse(memberView.contains(OUTSIDER), memberView);
        String outsiderView = outsider.clusterView();
        assertTrue(outsiderView.contains("(1) [" + OUTSIDER + "("), outsiderView);

        // when the member makes a volume, the outsider's administrator (who sees every volume it has)
        // does not see it: no metadata reached the outsider
        Caller throughMember = Callers.of(member.endpoint(), member.vbsHome()).devUser();
        Caller throughOutsider = Callers.of(outsider.endpoint(), outsider.vbsHome()).devUser();
        String volume = throughMember.createVolume(1).getVolumeId();
        throughMember.awaitVolume(volume, "available");
        assertTrue(throughMember.volumeIds().contains(volume));
        assertFalse(throughOutsider.volumeIds().contains(volume), "the outsider reads the member's volume");

        // and neither log shows a secret: no key store password of either home
        for (ServerProcess node : List.of(member, outsider)) {
            for (Path log : List.of(node.consoleLog(), node.vbsHome().resolve("server/log/server.log"))) {
                String text = Files.readString(log);
                for (ServerProcess home : List.of(member, outsider)) {
                    assertFalse(text.contains(keyStorePassword(home.vbsHome())),
                            log + " shows the key store password of " + home.vbsHome());
                }
            }
        }
        throughMember.deleteVolumes(volume);
    }

    @Test
    public void plainJGroupsMemberInANamespaceWithNoKeyIsNotAdmitted() throws Exception {
        // given a JGroups member with WildFly's tcp stack but neither AUTH nor SYM_ENCRYPT, in the
        // namespace, which finds the member node through the veth and asks to join the same cluster
        List<String> argv = new ArrayList<>(noKey.execPrefix());
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.net.preferIPv4Stack=true", "-cp", System.getProperty("java.class.path"),
                PlainJGroupsMember.class.getName(), PLAIN_CLIENT, noKey.innerAddress(), "7600", CLUSTER,
                noKey.hostAddress(), Integer.toString(memberJGroupsPort)));

        // when it connects (it gives up joining after its attempts and forms a view of its own)
        Processes.Result plain = Processes.run(argv, Map.of(), PLAIN_PATIENCE);

        // then it is alone in its view, the member dropped its unencrypted join request naming it,
        // and the member's view is the member alone
        assertEquals(0, plain.exitCode(), plain.describe());
        assertTrue(plain.stdout().contains(PlainJGroupsMember.VIEW_LINE + "1 "), plain.describe());
        assertTrue(plain.stdout().contains(PLAIN_CLIENT), plain.describe());
        awaitLine(member, PLAIN_REFUSED, PLAIN_CLIENT);
        String memberView = member.clusterView();
        assertTrue(memberView.contains("(1) [" + MEMBER + "("), memberView);
        assertFalse(memberView.contains(PLAIN_CLIENT), memberView);
    }

    @Test
    public void nodeWithTheClusterKeyButNotTheSharedSecretIsRefusedByAuth() throws Exception {
        // given an impostor: a home with a PKI of its own whose cluster.p12 holds the member's cluster key
        // (as if the bare key had leaked) under the impostor's key store password, not the cluster's
        // secret; its messages decrypt, so it is AUTH that must refuse its join
        Path work = ItConfig.workDir().resolve("cluster-guard").resolve(IMPOSTOR);
        ServerProcess impostor = ServerProcess.withoutLab(Files.createDirectories(work).resolve("vbs-home"),
                ItConfig.systemPortOffset() + IMPOSTOR_OFFSET, work)
                .withArguments("-Dvbs.cluster.name=" + CLUSTER,
                        "-Dvbs.jgroups.initial-hosts=" + noKey.hostAddress() + "[" + memberJGroupsPort + "]")
                .withNodeName(IMPOSTOR);
        VbsHomes.make(impostor.vbsHome(), List.of());
        writeClusterKey(impostor.vbsHome(), clusterKey(member.vbsHome()));
        try {
            // when it starts and asks to join
            impostor.launch();

            // then the member's AUTH refuses it, and the member stays a cluster of one
            awaitLine(member, AUTH_REFUSED, IMPOSTOR);
            String memberView = member.clusterView();
            assertTrue(memberView.contains("(1) [" + MEMBER + "("), memberView);
            assertFalse(memberView.contains(IMPOSTOR), memberView);
        } finally {
            impostor.stop();
        }
    }

    /** The first line of the node's console log that holds both texts, once there is one. */
    private static String awaitLine(ServerProcess node, String text, String name) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing read yet");
        return Await.until("a line with '" + text + "' and '" + name + "' in " + node.consoleLog(), REFUSAL_PATIENCE,
                () -> {
                    List<String> lines = Files.readAllLines(node.consoleLog());
                    seen.set(node.logTail());
                    return lines.stream().filter(line -> line.contains(text) && line.contains(name)).findFirst();
                }, seen::get);
    }

    /** The server key store password of a home's crypto.properties: AUTH's shared secret, the key stores'. */
    private static String keyStorePassword(Path vbsHome) throws Exception {
        Properties crypto = new Properties();
        try (InputStream in = Files.newInputStream(PkiLayout.under(vbsHome).cryptoProperties())) {
            crypto.load(in);
        }
        String password = crypto.getProperty("org.apache.wss4j.crypto.merlin.keystore.password");
        assertTrue(password != null && password.length() >= 16,
                "crypto.properties of " + vbsHome + " holds the password");
        return password;
    }

    /** The cluster key of a home, read with its key store password. */
    private static SecretKey clusterKey(Path vbsHome) throws Exception {
        char[] password = keyStorePassword(vbsHome).toCharArray();
        KeyStore store = KeyStore.getInstance(KeyStores.TYPE);
        try (InputStream in = Files.newInputStream(PkiLayout.under(vbsHome).clusterKeyStore())) {
            store.load(in, password);
        }
        KeyStore.Entry entry = store.getEntry(ClusterKeys.ALIAS, new KeyStore.PasswordProtection(password));
        return ((KeyStore.SecretKeyEntry) entry).getSecretKey();
    }

    /** Replaces a home's cluster.p12 by one holding this key, under that home's own key store password. */
    private static void writeClusterKey(Path vbsHome, SecretKey key) throws Exception {
        char[] password = keyStorePassword(vbsHome).toCharArray();
        KeyStore store = KeyStore.getInstance(KeyStores.TYPE);
        store.load(null, null);
        store.setEntry(ClusterKeys.ALIAS, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(password));
        Path file = PkiLayout.under(vbsHome).clusterKeyStore();
        Files.delete(file);
        NewFile.writeAll(List.of(NewFile.secret(file, KeyStores.encode(store, password))));
    }
}
