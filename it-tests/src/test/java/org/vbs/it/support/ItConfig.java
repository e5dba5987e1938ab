package org.vbs.it.support;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the build put what the tests need, as failsafe passes it (see it-tests/pom.xml). A missing
 * property means the test was started outside `mvn verify`: say which one instead of guessing.
 */
public final class ItConfig {

    private ItConfig() {
    }

    /** The Arquillian server's VBS_HOME (made by {@code PrepareItEnvironment} before the server boots). */
    public static Path vbsHome() {
        return existing("vbs.it.vbs.home");
    }

    /** The Arquillian server's audit log (its log directory's audit.log). */
    public static Path auditLog() {
        return existing("vbs.it.jboss.home").resolve("standalone/log/audit.log");
    }

    /** WildFly's management CLI (of the Arquillian server's copy: the same WildFly every test server runs). */
    public static Path jbossCli() {
        return existing("vbs.it.jboss.home").resolve("bin/jboss-cli.sh");
    }

    /** The built vbs.ear. */
    public static Path ear() {
        return existing("vbs.it.ear");
    }

    /** The Byteman agent jar (the fault injector of the system tests' server JVM). */
    public static Path bytemanJar() {
        return existing("vbs.it.byteman.jar");
    }

    /** The built CLI launcher, cli/target/vbs/bin/vbs. */
    public static Path cli() {
        return existing("vbs.it.cli");
    }

    /** The project's run script, bin/vbs-server. */
    public static Path runScript() {
        return existing("vbs.it.run.script");
    }

    /** Scratch space for the system tests and the benchmark (temp VBS_HOMEs, server copies). */
    public static Path workDir() {
        return Path.of(required("vbs.it.work"));
    }

    /** The port offset of the system-test and benchmark server (never the Arquillian one's). */
    public static int systemPortOffset() {
        return Integer.parseInt(required("vbs.it.system.port.offset"));
    }

    /** The SOAP endpoint of the Arquillian server. */
    public static URI endpoint() {
        return endpoint(Integer.parseInt(required("vbs.it.http.port")));
    }

    /** The SOAP endpoint of a server listening on the port (loopback only). */
    public static URI endpoint(int httpPort) {
        return URI.create("http://127.0.0.1:" + httpPort + "/vbs/VolumeService");
    }

    private static Path existing(String property) {
        Path path = Path.of(required(property));
        if (!Files.exists(path)) {
            throw new IllegalStateException(property + " names " + path + ", which does not exist: build the"
                    + " project first (mvn verify from the root builds everything in order)");
        }
        return path;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the tests with"
                    + " `mvn verify -pl it-tests` (failsafe sets it), see the comment at the top of it-tests/pom.xml");
        }
        return value;
    }
}
