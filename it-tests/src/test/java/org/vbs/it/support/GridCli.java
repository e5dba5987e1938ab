package org.vbs.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vbs.security.Credential;
import org.vbs.security.NewFile;
import org.vbs.security.grid.ProxyFile;

/**
 * The built CLI as a grid user runs it against the Arquillian server: with a proxy credential file
 * (whose chain goes as an X509PKIPathv1 token), and the server's audit log to see what each call
 * left there.
 */
public final class GridCli {
    private GridCli() {
    }

    /** Runs {@code vbs --proxy <file> <arguments>} against the Arquillian server, as its VBS_HOME's user would. */
    public static Processes.Result withProxy(Path proxyFile, String... arguments) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--proxy", proxyFile.toString()));
        argv.addAll(List.of(arguments));
        return run(argv.toArray(new String[0]));
    }

    /** Runs {@code vbs <arguments>} against the Arquillian server, trusting its CA directory, with no terminal. */
    public static Processes.Result run(String... arguments) throws Exception {
        return runAt(ItConfig.endpoint().toString(), arguments);
    }

    /** Runs {@code vbs --url <urls> <arguments>} as {@link #run} does, with the endpoints (a comma-separated list) given. */
    public static Processes.Result runAt(String urls, String... arguments) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ItConfig.cli().toString(), "--url", urls, "--ca-dir", ItConfig.vbsHome().resolve("certificates").toString()));
        argv.addAll(List.of(arguments));
        return Processes.run(argv, Map.of("VBS_HOME", ItConfig.vbsHome().toString()), Duration.ofMinutes(2));
    }

    /** Writes the proxy credential as grid-proxy-init does (proxy certificate, its key, the rest of the chain; 0600). */
    public static Path proxyFile(Path file, Credential proxy) throws IOException {
        NewFile.writeAll(List.of(ProxyFile.of(file, proxy)));
        return file;
    }

    /** The Arquillian server's audit log, one call a line. */
    public static List<String> auditLines() throws IOException {
        return Files.readAllLines(ItConfig.auditLog());
    }
}
