package org.vbs.plugins.vmm.libvirt;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.tools.LibvirtdProcess;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The transient domains of one test on a private libvirtd (each destroyed by {@link #close()}), and
 * the test's own view of a domain through virsh and the QEMU monitor (not the driver's code).
 */
final class LibvirtFixture implements AutoCloseable {
    private static final Pattern QOM_CHILD =
            Pattern.compile("\"name\":\"([^\"]+)\",\"type\":\"child<");
    private static final Pattern NODE_NAME = Pattern.compile("\"node-name\":\"([^\"]+)\"");

    private final LibvirtdProcess libvirtd;
    private final List<String> domains = new ArrayList<>();

    LibvirtFixture(LibvirtdProcess libvirtd) {
        this.libvirtd = libvirtd;
    }

    LibvirtdProcess libvirtd() {
        return libvirtd;
    }

    /** Starts a new transient domain for the test. */
    String start() throws IOException {
        String name = "vbs-test-" + ThreadLocalRandom.current().nextInt(1_000_000);
        libvirtd.createDomain(name);
        domains.add(name);
        return name;
    }

    /** The driver as the service would make it for this machine, through the real local shell. */
    HypervisorDriver driver(Map<String, String> extraProperties) throws DriverException {
        Map<String, String> properties = new HashMap<>(extraProperties);
        properties.putIfAbsent(LibvirtSettings.URI, libvirtd.uri());
        return new LibvirtDriverFactory().create(new DriverConfig("localhost", properties, Map.of()),
                new LocalHostShell("localhost"));
    }

    /**
     * What an attach may leave, as {@code disk:<dev>:<serial>} (the live XML), {@code secret:<uuid>:<usage>}
     * (libvirt's secrets), {@code object:<id>} and {@code node:<name>} (QEMU's user objects and named
     * block nodes, through {@code virsh qemu-monitor-command}).
     */
    Set<String> objects(String domain) throws IOException {
        Set<String> all = new TreeSet<>();
        for (Element disk : elements(libvirtd.virshOk("dumpxml", domain), "disk")) {
            all.add("disk:" + attribute(disk, "target", "dev") + ":" + text(disk, "serial"));
        }
        for (String line : libvirtd.virshOk("secret-list").lines().skip(2).toList()) {
            if (!line.isBlank()) {
                all.add("secret:" + line.strip().replaceAll("\\s+", ":"));
            }
        }
        Matcher objects = QOM_CHILD.matcher(libvirtd.virshOk("qemu-monitor-command", domain,
                "{\"execute\":\"qom-list\",\"arguments\":{\"path\":\"/objects\"}}"));
        while (objects.find()) {
            all.add("object:" + objects.group(1));
        }
        Matcher nodes = NODE_NAME.matcher(libvirtd.virshOk("qemu-monitor-command", domain,
                "{\"execute\":\"query-named-block-nodes\",\"arguments\":{\"flat\":true}}"));
        while (nodes.find()) {
            all.add("node:" + nodes.group(1));
        }
        return all;
    }

    /** The QEMU device id (libvirt's alias) of the disk whose serial is {@code volumeId}. */
    String aliasOf(String domain, String volumeId) throws IOException {
        for (Element disk : elements(libvirtd.virshOk("dumpxml", domain), "disk")) {
            if (volumeId.equals(text(disk, "serial"))) {
                return attribute(disk, "alias", "name");
            }
        }
        throw new AssertionError("no disk with serial " + volumeId + " in " + domain);
    }

    static List<Element> elements(String xml, String tag) throws IOException {
        try {
            Document doc = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(xml)));
            NodeList nodes = doc.getElementsByTagName(tag);
            List<Element> found = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                found.add((Element) nodes.item(i));
            }
            return found;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("not XML: " + xml, e);
        }
    }

    private static String attribute(Element parent, String child, String attribute) {
        NodeList nodes = parent.getElementsByTagName(child);
        return nodes.getLength() == 0 ? "" : ((Element) nodes.item(0)).getAttribute(attribute);
    }

    private static String text(Element parent, String child) {
        NodeList nodes = parent.getElementsByTagName(child);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().strip();
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (String domain : domains) {
            try {
                if (libvirtd.domains().contains(domain)) {
                    libvirtd.destroyDomain(domain);
                }
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        domains.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
