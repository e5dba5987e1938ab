package org.vbs.plugins.vmm.libvirt;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The libvirt XML documents of this driver, built and read with the JDK's DOM API: every value (IQN,
 * portal, user, volume id) is a text node or an attribute value the serializer escapes, never text
 * spliced into markup. The factories are the JDK's own ({@code newDefaultInstance}, so no other
 * bundle's parser is picked up in an OSGi framework), with secure processing on and DOCTYPEs refused.
 */
final class LibvirtXml {
    private static final int DEFAULT_ISCSI_PORT = 3260;

    private LibvirtXml() {
    }

    /**
     * An ephemeral, private iSCSI secret: libvirtd keeps its value in memory only (never in
     * {@code /etc/libvirt/secrets}) and refuses to hand it out again ({@code secret-get-value}).
     */
    static String secretDefinition(VolumeSecret secret) {
        Document doc = newDocument();
        Element root = doc.createElement("secret");
        doc.appendChild(root);
        root.setAttribute("ephemeral", "yes");
        root.setAttribute("private", "yes");
        text(doc, root, "uuid", secret.uuid());
        text(doc, root, "description", "VBS CHAP password of volume " + secret.volumeId());
        Element usage = child(doc, root, "usage");
        usage.setAttribute("type", "iscsi");
        text(doc, usage, "target", secret.usage());
        return serialize(root);
    }

    /**
     * {@code <disk type='network' device='disk'>}: an iSCSI source logged in to with the CHAP user and
     * the secret of {@code secret}, as guest device {@code guestDevice} on the SCSI bus, the volume id as
     * its serial (how {@link #vbsDisks} finds it again, and what the guest sees in /dev/disk/by-id).
     */
    static String networkDisk(DeviceAttachRequest request, String guestDevice, VolumeSecret secret) {
        Document doc = newDocument();
        Element disk = doc.createElement("disk");
        doc.appendChild(disk);
        disk.setAttribute("type", "network");
        disk.setAttribute("device", "disk");
        Element driver = child(doc, disk, "driver");
        driver.setAttribute("name", "qemu");
        driver.setAttribute("type", "raw");
        Element source = child(doc, disk, "source");
        source.setAttribute("protocol", "iscsi");
        source.setAttribute("name", request.target().iqn() + "/" + request.target().lun());
        Element host = child(doc, source, "host");
        Portal portal = Portal.parse(request.target().portal());
        host.setAttribute("name", portal.host());
        host.setAttribute("port", String.valueOf(portal.port()));
        Element iqn = child(doc, child(doc, source, "initiator"), "iqn");
        iqn.setAttribute("name", request.initiatorIqn());
        Element auth = child(doc, disk, "auth");
        auth.setAttribute("username", request.chap().user());
        Element secretRef = child(doc, auth, "secret");
        secretRef.setAttribute("type", "iscsi");
        secretRef.setAttribute("usage", secret.usage());
        Element target = child(doc, disk, "target");
        target.setAttribute("dev", guestDevice);
        target.setAttribute("bus", "scsi");
        text(doc, disk, "serial", request.volumeId());
        return serialize(disk);
    }

    /**
     * The domain's disks whose serial is a volume id, in document order.
     *
     * @throws IllegalArgumentException when {@code domainXml} is not a libvirt domain document
     */
    static List<VbsDisk> vbsDisks(String domainXml) {
        Element domain = parse(domainXml).getDocumentElement();
        if (!"domain".equals(domain.getTagName())) {
            throw new IllegalArgumentException("not a libvirt domain document: <" + domain.getTagName() + ">");
        }
        List<VbsDisk> disks = new ArrayList<>();
        for (Element devices : children(domain, "devices")) {
            for (Element disk : children(devices, "disk")) {
                Optional<String> serial = children(disk, "serial").stream().map(e -> e.getTextContent().strip())
                        .findFirst();
                Optional<String> dev = children(disk, "target").stream().map(e -> e.getAttribute("dev")).findFirst();
                if (serial.isPresent() && ArgType.VOLUME_ID.accepts(serial.get()) && dev.isPresent()) {
                    disks.add(new VbsDisk(serial.get(), dev.get(), serialize(disk)));
                }
            }
        }
        return List.copyOf(disks);
    }

    /** {@code host:port}, {@code [v6]:port} or a bare host (port 3260), as {@link ArgType#HOST} allows. */
    record Portal(String host, int port) {
        static Portal parse(String portal) {
            ArgType.HOST.require("portal", portal);
            int colon = portal.lastIndexOf(':');
            boolean bracketed = portal.startsWith("[");
            int close = portal.indexOf(']');
            if (bracketed) {
                String host = portal.substring(1, close);
                return new Portal(host, close + 1 < portal.length() ? Integer.parseInt(portal.substring(close + 2))
                        : DEFAULT_ISCSI_PORT);
            }
            if (colon < 0) {
                return new Portal(portal, DEFAULT_ISCSI_PORT);
            }
            return new Portal(portal.substring(0, colon), Integer.parseInt(portal.substring(colon + 1)));
        }
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element e && name.equals(e.getTagName())) {
                found.add(e);
            }
        }
        return found;
    }

    private static Element child(Document doc, Element parent, String name) {
        Element element = doc.createElement(name);
        parent.appendChild(element);
        return element;
    }

    private static void text(Document doc, Element parent, String name, String value) {
        child(doc, parent, name).appendChild(doc.createTextNode(value));
    }

    private static DocumentBuilder builder() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            factory.setXIncludeAware(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a feature it documents", e);
        }
    }

    private static Document newDocument() {
        return builder().newDocument();
    }

    private static Document parse(String xml) {
        try {
            return builder().parse(new InputSource(new StringReader(xml)));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static String serialize(Element element) {
        try {
            TransformerFactory factory = TransformerFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Transformer transformer = factory.newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(element), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize a DOM element the driver built or parsed", e);
        }
    }
}
