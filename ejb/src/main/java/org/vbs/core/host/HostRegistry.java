package org.vbs.core.host;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.UserText;

/**
 * The registered hosts, live and durable: read from the hosts directory at start, and changed by
 * {@link #register} and {@link #deregister}, which write or delete the host's file before the live
 * set changes, so a restart finds what the running service used. Reads never wait; changes are one
 * at a time.
 */
public final class HostRegistry {
    private final Path dir;
    private volatile List<HostRegistration> registrations;

    private HostRegistry(Path dir, List<HostRegistration> registrations) {
        this.dir = dir;
        this.registrations = sorted(registrations);
    }

    /**
     * The registry of the files in {@code dir}.
     *
     * @throws IllegalArgumentException naming the file and key when a file is not a valid registration
     */
    public static HostRegistry open(Path dir) throws IOException {
        return new HostRegistry(dir, HostsDirectory.read(dir));
    }

    /** Every registered host, by name. */
    public List<HostRegistration> registrations() {
        return registrations;
    }

    public Optional<HostRegistration> find(String name) {
        return registrations.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /**
     * Registers a host from the keys and values of a host file: checked as a file is, then written as
     * {@code <name>.properties} (mode 0600: a driver property may be a secret) and added.
     *
     * @param acceptable checks the parsed registration further (throws to refuse it) before anything is written
     * @throws VbsException InvalidParameterValue naming the key when the registration is not valid;
     *         InvalidHost.Duplicate when the name is registered or its file exists (nothing written)
     */
    public synchronized HostRegistration register(String name, Map<String, String> items,
                                                  Consumer<HostRegistration> acceptable) {
        HostRegistration registration;
        try {
            registration = HostsDirectory.registration(HostRegistration.checkName(name), items);
        } catch (IllegalArgumentException e) {
            throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, "Host " + UserText.quote(name)
                    + " cannot be registered: " + e.getMessage() + ".", e);
        }
        registration.ssh().ifPresent(HostRegistry::requireSshFiles);
        acceptable.accept(registration);
        Path file = HostsDirectory.file(dir, name);
        if (find(name).isPresent() || Files.exists(file)) {
            throw new VbsException(ErrorCode.INVALID_HOST_DUPLICATE, "Host '" + name + "' is registered already;"
                    + " deregister it first to register it anew.");
        }
        try {
            write(file, items);
        } catch (IOException e) {
            throw new UncheckedIOException("host " + name + ": its file " + file + " cannot be written", e);
        }
        List<HostRegistration> next = new ArrayList<>(registrations);
        next.add(registration);
        registrations = sorted(next);
        return registration;
    }

    /**
     * Deregisters a host: takes it out of the live set first (so nothing new is placed on it while
     * {@code stillUnused} looks), then deletes its file. When {@code stillUnused} throws, the host is
     * put back and its file kept.
     *
     * @throws VbsException InvalidHost.NotFound when no such host is registered
     */
    public synchronized HostRegistration deregister(String name, Consumer<HostRegistration> stillUnused) {
        HostRegistration registration = find(name).orElseThrow(() -> notFound(name));
        List<HostRegistration> before = registrations;
        registrations = before.stream().filter(h -> !h.name().equals(name)).toList();
        try {
            stillUnused.accept(registration);
            Files.deleteIfExists(HostsDirectory.file(dir, name));
        } catch (IOException e) {
            registrations = before;
            throw new UncheckedIOException("host " + name + ": its file cannot be deleted", e);
        } catch (RuntimeException e) {
            registrations = before;
            throw e;
        }
        return registration;
    }

    /**
     * A new SSH host's key and pinned host keys must be there now: a typo is found at registration,
     * not at the first attach. (A file read at start is not held to this, so a missing key file stops
     * only that host's drivers, not the service.)
     */
    private static void requireSshFiles(HostRegistration.SshSettings ssh) {
        for (Map.Entry<String, String> file : Map.of("ssh.privateKey", ssh.privateKey(), "ssh.knownHosts",
                ssh.knownHosts()).entrySet()) {
            Path path = Path.of(file.getValue());
            if (!path.isAbsolute() || !Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, file.getKey() + " must name a readable file"
                        + " by its absolute path, not " + UserText.quote(file.getValue()) + ".");
            }
        }
    }

    /** Writes the file beside its place, flushed to disk, then renames it into place in one step. */
    private void write(Path file, Map<String, String> items) throws IOException {
        Files.createDirectories(dir);
        // A name starting with '.' and not ending in .properties: a start that finds it left over ignores it.
        Path part = dir.resolve("." + file.getFileName() + ".part");
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
            out.write(ByteBuffer.wrap(content(items).getBytes(StandardCharsets.UTF_8)));
            out.force(true);
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** The items as properties lines (escaped as {@link Properties} reads them), sorted by key. */
    private static String content(Map<String, String> items) throws IOException {
        Properties properties = new Properties();
        properties.putAll(items);
        StringWriter text = new StringWriter();
        properties.store(text, null);
        StringBuilder content = new StringBuilder("# Registered through RegisterHost; DeregisterHost removes it.\n");
        text.toString().lines().filter(line -> !line.startsWith("#")).sorted()
                .forEach(line -> content.append(line).append('\n'));
        return content.toString();
    }

    /** The fault for a host name that is not registered. */
    public static VbsException notFound(String name) {
        return new VbsException(ErrorCode.INVALID_HOST_NOT_FOUND, "No host " + UserText.quote(name)
                + " is registered.");
    }

    private static List<HostRegistration> sorted(List<HostRegistration> hosts) {
        return hosts.stream().sorted(Comparator.comparing(HostRegistration::name)).toList();
    }
}
