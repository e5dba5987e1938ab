package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A private {@code libvirtd} (Debian's libvirt 9.0) started by a test as its own child, sharing
 * nothing with a system libvirtd another engineer may run on the machine, and never touching
 * {@code /etc/libvirt}, {@code /run/libvirt} or {@code /var/lib/libvirt}.
 *
 * <p>Why a mount namespace: as root, libvirtd always runs privileged (a {@code qemu:///session} daemon
 * needs a non-root user), and a privileged daemon reads {@code /etc/libvirt/qemu.conf} and keeps its
 * state in {@code /run/libvirt} and {@code /var/lib/libvirt}, with no option to move them ({@code -f}
 * moves only libvirtd.conf). So the daemon runs in a mount namespace of its own
 * ({@code unshare --mount --propagation private}) in which directories of this fixture are bind-mounted
 * over {@code /run}, {@code /etc/libvirt}, {@code /var/lib/libvirt}, {@code /var/cache/libvirt} and
 * {@code /var/log/libvirt}. The mounts exist only in that namespace and vanish with the daemon. Its
 * sockets live in {@code <root>/sock}, a path that is the same inside and outside, and the test connects
 * with {@code qemu+unix:///system?socket=<root>/sock/libvirt-sock} ({@link #uri()}).
 *
 * <p>Its qemu.conf is the one ENVIRONMENT.md measured for a machine without systemd: QEMU runs as root,
 * no security driver, no namespaces or cgroups, QEMU's output to a file (no virtlogd). The daemon
 * probes QEMU's capabilities on the first connection (~8 s here): start one per test class.
 *
 * <p>Processes: a holder {@code unshare ... sleep infinity} (made first, to carry the namespace while
 * the mounts are made with {@code nsenter -t <holder> -m mount -n --bind ...}), then
 * {@code nsenter -t <holder> -m libvirtd -f <root>/etc/libvirtd.conf -p <root>/run/libvirtd.pid}, which
 * execs libvirtd: both are this JVM's children. QEMU processes libvirt starts daemonize (their parent
 * becomes PID 1). {@link #close()} destroys every domain first (QEMU outlives libvirtd otherwise), then
 * stops libvirtd with SIGTERM by its own PID and waits, kills the holder, and deletes the directories.
 */
public final class LibvirtdProcess implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(30);
    private static final Path KVM = Path.of("/dev/kvm");
    private static final Pattern DOMAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path root;
    private final Process holder;
    private Process daemon;

    private LibvirtdProcess(Path root, Process holder) {
        this.root = root;
        this.holder = holder;
    }

    /**
     * Starts a daemon whose directories are under a new directory in {@code workDir}, and waits (bounded)
     * until it answers; fails with the daemon's log if it does not.
     */
    public static LibvirtdProcess start(Path workDir) throws IOException {
        Path root = Files.createTempDirectory(workDir, "libvirtd-");
        for (String dir : List.of("etc", "run", "lib", "cache", "log", "sock")) {
            Files.createDirectories(root.resolve(dir));
        }
        writeConfiguration(root);
        Process holder = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "--", "sleep", "infinity")
                .redirectErrorStream(true).redirectOutput(root.resolve("holder.log").toFile()).start();
        LibvirtdProcess libvirtd = new LibvirtdProcess(root, holder);
        try {
            libvirtd.awaitNamespace();
            // /run first: mount(8) keeps its bookkeeping under /run/mount, which then stays in the namespace.
            libvirtd.bind("run", "/run");
            libvirtd.bind("etc", "/etc/libvirt");
            libvirtd.bind("lib", "/var/lib/libvirt");
            libvirtd.bind("cache", "/var/cache/libvirt");
            libvirtd.bind("log", "/var/log/libvirt");
            libvirtd.daemon = new ProcessBuilder("nsenter", "-t", String.valueOf(holder.pid()), "-m", "--",
                    "libvirtd", "-f", root.resolve("etc/libvirtd.conf").toString(),
                    "-p", root.resolve("run/libvirtd.pid").toString())
                    .redirectErrorStream(true).redirectOutput(root.resolve("libvirtd.out").toFile()).start();
            libvirtd.awaitReady();
        } catch (IOException | RuntimeException e) {
            try {
                libvirtd.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return libvirtd;
    }

    /** The connection URI of this daemon, for {@code virsh -c} and the driver's {@code uri} property. */
    public String uri() {
        return "qemu+unix:///system?socket=" + root.resolve("sock/libvirt-sock");
    }

    /** The directory holding the daemon's configuration, state, logs and sockets (bind-mounted as above). */
    public Path root() {
        return root;
    }

    /** libvirtd's PID (a child of this JVM). */
    public long pid() {
        return daemon.pid();
    }

    /** {@code virsh -c <uri> <args>}, whatever its exit code. */
    public ExecResult virsh(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("virsh", "-c", uri()));
        argv.addAll(List.of(args));
        return ExecResult.of(argv, Duration.ofSeconds(60));
    }

    /** {@code virsh -c <uri> <args>}; fails on a non-zero exit, with what virsh printed. */
    public String virshOk(String... args) throws IOException {
        ExecResult result = virsh(args);
        if (result.exitCode() != 0) {
            throw new IOException("virsh " + String.join(" ", args) + " exited " + result.exitCode() + ": "
                    + result.output());
        }
        return result.output();
    }

    /**
     * Starts a transient domain {@code name} ({@code virsh create}): q35, no disk, no OS, 64 MiB, a
     * virtio-scsi controller (index 0) for disks to be hot-plugged into; KVM when /dev/kvm is usable,
     * TCG otherwise. It goes away when destroyed.
     */
    public void createDomain(String name) throws IOException {
        if (!DOMAIN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain domain name: " + name);
        }
        String type = Files.isReadable(KVM) && Files.isWritable(KVM) ? "kvm" : "qemu";
        String xml = """
                <domain type='%s'>
                  <name>%s</name>
                  <memory unit='MiB'>64</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='q35'>hvm</type></os>
                  <on_poweroff>destroy</on_poweroff>
                  <devices>
                    <emulator>/usr/bin/qemu-system-x86_64</emulator>
                    <controller type='scsi' index='0' model='virtio-scsi'/>
                    <controller type='usb' model='none'/>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(type, name);
        Path file = root.resolve("domain-" + name + ".xml");
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        try {
            virshOk("create", file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Stops a domain at once ({@code virsh destroy}). */
    public void destroyDomain(String name) throws IOException {
        virshOk("destroy", name);
    }

    /** The names of the running domains. */
    public List<String> domains() throws IOException {
        return virshOk("list", "--name").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** What QEMU printed for a domain (HMP {@code qemu-io} prints its results there). */
    public String domainLog(String name) throws IOException {
        Path log = root.resolve("log/qemu/" + name + ".log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** libvirtd's own log (errors and warnings). */
    public String log() throws IOException {
        Path log = root.resolve("log/libvirtd.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            if (daemon != null && daemon.isAlive()) {
                for (String domain : domains()) {
                    virshOk("destroy", domain);
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        try {
            if (daemon != null) {
                stop(daemon, "libvirtd");
            }
        } catch (IOException e) {
            failure = add(failure, e);
        }
        try {
            stop(holder, "the namespace holder");
        } catch (IOException e) {
            failure = add(failure, e);
        }
        try {
            deleteTree(root);
        } catch (IOException e) {
            failure = add(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void writeConfiguration(Path root) throws IOException {
        Files.writeString(root.resolve("etc/libvirtd.conf"), """
                unix_sock_dir = "%s"
                unix_sock_rw_perms = "0700"
                unix_sock_ro_perms = "0700"
                unix_sock_admin_perms = "0700"
                auth_unix_rw = "none"
                auth_unix_ro = "none"
                log_outputs = "3:file:%s"
                """.formatted(root.resolve("sock"), root.resolve("log/libvirtd.log")), StandardCharsets.UTF_8);
        Files.writeString(root.resolve("etc/qemu.conf"), """
                user = "root"
                group = "root"
                dynamic_ownership = 0
                remember_owner = 0
                security_driver = "none"
                namespaces = [ ]
                cgroup_controllers = [ ]
                stdio_handler = "file"
                """, StandardCharsets.UTF_8);
    }

    private void bind(String dir, String target) throws IOException {
        ExecResult result = ExecResult.of(List.of("nsenter", "-t", String.valueOf(holder.pid()), "-m", "--",
                "mount", "-n", "--bind", root.resolve(dir).toString(), target), Duration.ofSeconds(10));
        if (result.exitCode() != 0) {
            throw new IOException("cannot bind " + root.resolve(dir) + " over " + target + " in libvirtd's mount"
                    + " namespace: " + result.output());
        }
    }

    /** Until {@code unshare} has made the namespace and exec'd {@code sleep}, nsenter would join the old one. */
    private void awaitNamespace() throws IOException {
        Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"));
        Path theirs = Path.of("/proc", String.valueOf(holder.pid()), "ns", "mnt");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            if (!holder.isAlive()) {
                throw new IOException("unshare --mount exited: " + Files.readString(root.resolve("holder.log")));
            }
            Path comm = Path.of("/proc", String.valueOf(holder.pid()), "comm");
            if (!Files.readSymbolicLink(theirs).equals(own) && Files.readString(comm).strip().equals("sleep")) {
                return;
            }
            ExecResult.pause(Duration.ofMillis(10));
        }
        throw new IOException("unshare --mount made no namespace within 10 s (own " + own + ")");
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(READY);
        ExecResult last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!daemon.isAlive()) {
                throw new IOException("libvirtd exited at start (" + daemon.exitValue() + "): " + output());
            }
            if (Files.exists(root.resolve("sock/libvirt-sock"))) {
                // The first connection waits for the QEMU driver's capability probe.
                last = virsh("version");
                if (last.exitCode() == 0) {
                    return;
                }
            }
            ExecResult.pause(Duration.ofMillis(50));
        }
        throw new IOException("libvirtd did not answer on " + uri() + " within " + READY + ": "
                + (last == null ? "" : last.output() + "; ") + output());
    }

    private String output() throws IOException {
        return Files.readString(root.resolve("libvirtd.out")) + log();
    }

    /** SIGTERM by PID, a bounded wait, then SIGKILL (and a failure naming the process). */
    private static void stop(Process process, String what) throws IOException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IOException(what + " (pid " + process.pid() + ") did not end within " + STOP + " of SIGTERM;"
                    + " it was killed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while stopping " + what, e);
        }
    }

    private static IOException add(IOException failure, IOException e) {
        if (failure == null) {
            return e;
        }
        failure.addSuppressed(e);
        return failure;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
