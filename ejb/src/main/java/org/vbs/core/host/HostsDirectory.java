package org.vbs.core.host;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.vbs.core.domain.UserText;

/**
 * Reads host registrations from a directory ({@code $VBS_HOME/hosts}), one properties file per host,
 * named after it ({@code local.properties}):
 *
 * <pre>
 * transport=local                 # or ssh
 * address=127.0.0.1
 * ssh.user=vbs                    # ssh only: user, port (22), key file, known_hosts file
 * ssh.port=22
 * ssh.privateKey=/etc/vbs/ssh/id_ed25519
 * ssh.knownHosts=/etc/vbs/ssh/known_hosts
 * volume.driver=file              # &lt;kind&gt;.driver names the factory; &lt;kind&gt;.&lt;property&gt; its properties
 * volume.pool=/var/lib/vbs/pool
 * export.driver=tgt
 * export.portal=127.0.0.1:3260
 * hypervisor.driver=qemu
 * hypervisor.qmpDir=/var/lib/vbs/qmp
 * </pre>
 *
 * A file with an unknown key or a bad value is refused as a whole, naming the file and the key, so a
 * typo never silently drops a setting.
 */
public final class HostsDirectory {
    public static final String DIRECTORY = "hosts";
    private static final String SUFFIX = ".properties";
    private static final Set<String> HOST_KEYS = Set.of("transport", "address", "ssh.user", "ssh.port",
            "ssh.privateKey", "ssh.knownHosts");
    /** A driver property's name: plain, so a file lists it as written and a log line shows it unquoted. */
    private static final Pattern PROPERTY = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,127}");
    /** An IPv4 or IPv6 address or a DNS name: what tgt's ACL and SSH accept, and nothing a command could split. */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9:]([A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?");

    private HostsDirectory() {
    }

    /** The registrations of every {@code *.properties} file, by file name order. */
    public static List<HostRegistration> read(Path dir) throws IOException {
        List<HostRegistration> hosts = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return hosts;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            listing.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            hosts.add(parse(file));
        }
        return hosts;
    }

    static HostRegistration parse(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - SUFFIX.length());
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        Map<String, String> items = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> items.put(key, properties.getProperty(key)));
        try {
            return registration(name, items);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file of host {@code name} in {@code dir} (the name is checked first: it becomes a file name). */
    public static Path file(Path dir, String name) {
        return dir.resolve(HostRegistration.checkName(name) + SUFFIX);
    }

    /**
     * A registration from the keys and values of a host file: what a file holds and what RegisterHost
     * carries are checked by this one parser.
     *
     * @throws IllegalArgumentException naming the key that is unknown or whose value is bad
     */
    public static HostRegistration registration(String name, Map<String, String> items) {
        Map<DriverKind, String> driverIds = new EnumMap<>(DriverKind.class);
        Map<DriverKind, Map<String, String>> driverProperties = new EnumMap<>(DriverKind.class);
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, String> item : items.entrySet()) {
            String key = item.getKey();
            String value = item.getValue().strip();
            if (HOST_KEYS.contains(key)) {
                continue;
            }
            Optional<DriverKind> kind = kindOf(key);
            if (kind.isEmpty()) {
                unknown.add(key);
            } else if (key.equals(kind.get().prefix() + ".driver")) {
                driverIds.put(kind.get(), value);
            } else {
                driverProperties.computeIfAbsent(kind.get(), k -> new HashMap<>())
                        .put(key.substring(kind.get().prefix().length() + 1), value);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown keys " + unknown.stream().map(UserText::quote).toList()
                    + " (known: " + new TreeSet<>(HOST_KEYS)
                    + " and <volume|export|hypervisor>.driver / .<property>, a property being a letter then letters,"
                    + " digits, '.', '_' or '-')");
        }
        Map<DriverKind, DriverRegistration> drivers = new EnumMap<>(DriverKind.class);
        for (DriverKind kind : driverProperties.keySet()) {
            if (!driverIds.containsKey(kind)) {
                throw new IllegalArgumentException(kind.prefix() + ".* properties without " + kind.prefix() + ".driver");
            }
        }
        driverIds.forEach((kind, id) -> drivers.put(kind, driver(kind, id, driverProperties.getOrDefault(kind,
                Map.of()))));
        HostRegistration.Transport transport = transport(items.getOrDefault("transport", "local"));
        Optional<HostRegistration.SshSettings> ssh = transport == HostRegistration.Transport.SSH
                ? Optional.of(new HostRegistration.SshSettings(required(items, "ssh.user"),
                        port(items.getOrDefault("ssh.port", "22")), required(items, "ssh.privateKey"),
                        required(items, "ssh.knownHosts")))
                : Optional.empty();
        String address = items.getOrDefault("address", transport == HostRegistration.Transport.LOCAL
                ? "127.0.0.1" : "").strip();
        if (address.isEmpty()) {
            throw new IllegalArgumentException("an ssh host needs an address");
        }
        if (!ADDRESS.matcher(address).matches()) {
            throw new IllegalArgumentException("address must be an IP address or a DNS name, not "
                    + UserText.quote(address));
        }
        return new HostRegistration(name, transport, address, ssh, drivers);
    }

    private static DriverRegistration driver(DriverKind kind, String id, Map<String, String> properties) {
        try {
            return new DriverRegistration(id, properties);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(kind.prefix() + ".driver: " + e.getMessage(), e);
        }
    }

    private static Optional<DriverKind> kindOf(String key) {
        for (DriverKind kind : DriverKind.values()) {
            if (key.startsWith(kind.prefix() + ".")
                    && PROPERTY.matcher(key.substring(kind.prefix().length() + 1)).matches()) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    private static HostRegistration.Transport transport(String value) {
        try {
            return HostRegistration.Transport.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transport must be local or ssh, not " + UserText.quote(value.strip()),
                    e);
        }
    }

    private static String required(Map<String, String> items, String key) {
        String value = items.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("transport ssh needs " + key);
        }
        return value.strip();
    }

    private static int port(String value) {
        if (!value.strip().matches("[0-9]{1,5}") || Integer.parseInt(value.strip()) > 65535) {
            throw new IllegalArgumentException("ssh.port must be a port number, not " + UserText.quote(value));
        }
        return Integer.parseInt(value.strip());
    }
}
