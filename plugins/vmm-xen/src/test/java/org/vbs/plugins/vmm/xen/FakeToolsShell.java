package org.vbs.plugins.vmm.xen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostProcess;
import org.vbs.plugins.spi.HostShell;

/**
 * The test's dom0: the real {@link LocalHostShell}, except that {@code xl}, {@code iscsiadm} and
 * {@code xenstore-read} run as the FAKES {@link FakeXl}, {@link FakeIscsiadm} and
 * {@link FakeXenstoreRead}, each a main class in a JVM of its own ({@code java -cp <test classes>
 * <fake> <the driver's arguments>}), with the driver's stdin and timeout. Every other program (the
 * device check's {@code test}) runs for real.
 *
 * <p>Why not a directory first on a PATH: a PATH entry must be an executable file, and a Java class
 * is one only behind a shell wrapper (which the project's rules forbid) or a source-launcher script;
 * and {@link LocalHostShell} looks argv[0] up on the service's own PATH. Mapping the three program
 * names here leaves the driver's argv exactly as its templates render it: the fakes record it from
 * the tool's name on.
 */
final class FakeToolsShell implements HostShell {
    static final Map<String, Class<?>> FAKES = Map.of("xl", FakeXl.class, "iscsiadm", FakeIscsiadm.class,
            "xenstore-read", FakeXenstoreRead.class);

    private final LocalHostShell local = new LocalHostShell("dom0-fake");
    private final Path dir;

    FakeToolsShell(Path dir) {
        this.dir = dir;
    }

    @Override
    public String host() {
        return local.host();
    }

    @Override
    public CommandResult run(Command command) throws DriverException {
        return local.run(translate(command));
    }

    @Override
    public HostProcess start(Command command) throws DriverException {
        return local.start(translate(command));
    }

    private Command translate(Command command) {
        String program = command.argv().get(0);
        // By file name, so an operator's override naming /usr/local/sbin/xl reaches the fake as well.
        Class<?> fake = FAKES.get(Path.of(program).getFileName().toString());
        if (fake == null) {
            return command;
        }
        List<String> argv = new ArrayList<>(List.of(java(),
                // A fake runs for a few milliseconds: start the JVM the quickest way.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-D" + FakeHost.DIR_PROPERTY + "=" + dir, "-D" + FakeHost.PROGRAM_PROPERTY + "=" + program, "-cp", classes(), fake.getName()));
        argv.addAll(command.argv().subList(1, command.argv().size()));
        return new Command(argv, command.stdin(), command.timeout());
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
    }

    private static String classes() {
        try {
            return Path.of(FakeXl.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
