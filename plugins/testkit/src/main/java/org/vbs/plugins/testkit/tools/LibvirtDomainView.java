package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * A test's own view of the domains of a {@link LibvirtdProcess}, through virsh and the QEMU monitor
 * (never through a driver's code): what an attach may leave in a domain and in libvirt, the QEMU
 * device id of a disk, and block I/O through a disk with HMP {@code qemu-io}. For the libvirt driver's
 * tests and the system tests that register a libvirt hypervisor host.
 */
public final class LibvirtDomainView {
    private static final Duration QEMU_IO_PATIENCE = Duration.ofSeconds(30);
    private static final Pattern QOM_CHILD = Pattern.compile("\"name\":\"([^\"]+)\",\"type\":\"child<");
    private static final Pattern NODE_NAME = Pattern.compile("\"node-name\":\"([^\"]+)\"");

    private final LibvirtdProcess libvirtd;

    public LibvirtDomainView(LibvirtdProcess libvirtd) {
        this.libvirtd = Objects.requireNonNull(libvirtd, "libvirtd");
    }

    /**
     * What an attach may leave, as {@code disk:<dev>:<serial>} (the live XML), {@code secret:<uuid>:<usage>}
     * (libvirt's secrets, whichever domain they are for), {@code object:<id>} and {@code node:<name>}
     * (QEMU's user objects and named block nodes, through {@code virsh qemu-monitor-command}).
     */
    public Set<String> objects(String domain) throws IOException {
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

    /** The QEMU device id (libvirt's alias) of the disk whose {@code <serial>} is {@code serial}. */
    public String diskAlias(String domain, String serial) throws IOException {
        for (Element disk : elements(libvirtd.virshOk("dumpxml", domain), "disk")) {
            if (serial.equals(text(disk, "serial"))) {
                return attribute(disk, "alias", "name");
            }
        }
        throw new AssertionError("no disk with serial " + serial + " in " + domain);
    }

    /**
     * Runs HMP {@code qemu-io -d <device> "<command>"} through {@code virsh qemu-monitor-command --hmp}
     * and returns what QEMU printed for it (HMP's qemu-io prints to QEMU's output, which libvirt keeps in
     * the domain's log file, not into the monitor's answer), waiting (bounded) until it printed
     * {@code lastLine}.
     */
    public String qemuIo(String domain, String device, String command, String lastLine) throws IOException {
        int from = libvirtd.domainLog(domain).length();
        String answer = libvirtd.virshOk("qemu-monitor-command", domain, "--hmp",
                "qemu-io -d " + device + " \"" + command + "\"");
        if (!answer.isBlank()) {
            throw new AssertionError("HMP qemu-io " + command + " on " + domain + " answered: " + answer);
        }
        Instant deadline = Instant.now().plus(QEMU_IO_PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            String printed = libvirtd.domainLog(domain).substring(from);
            if (printed.contains(lastLine)) {
                return printed;
            }
            ExecResult.pause(Duration.ofMillis(20));
        }
        throw new AssertionError("QEMU did not print '" + lastLine + "' for qemu-io " + command + " on " + domain
                + " within " + QEMU_IO_PATIENCE + ": " + libvirtd.domainLog(domain).substring(from));
    }

    /** The elements named {@code tag} in an XML document, e.g. the disks of {@code virsh dumpxml}. */
    public static List<Element> elements(String xml, String tag) throws IOException {
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
}
