package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.namespace.NamespaceContext;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The WSDL as written: the binding carries the signing policy and every operation declares the
 * fault. (That the server publishes and enforces it is proven against a running server in it-tests.)
 */
class ContractTest {

    private static final String SP = "http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702";
    private static final String POLICY = "//wsp:Policy[@wsu:Id=substring-after(//wsdl:binding/wsp:PolicyReference/@URI, '#')]";

    private static Document wsdl;
    private static XPath xpath;

    @BeforeAll
    static void parse() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        wsdl = factory.newDocumentBuilder().parse(Path.of("src/main/wsdl/VolumeService.wsdl").toFile());
        xpath = XPathFactory.newInstance().newXPath();
        xpath.setNamespaceContext(new Namespaces());
    }

    @Test
    void shouldAttachTheSigningPolicyToTheBinding() throws Exception {
        assertEquals(1.0, number("count(" + POLICY + ")"), "the binding must reference a policy of this WSDL");
        String binding = POLICY + "//sp:AsymmetricBinding/wsp:Policy";
        assertEquals("http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702/IncludeToken/AlwaysToRecipient",
                text(binding + "/sp:InitiatorToken//sp:X509Token/@sp:IncludeToken"));
        assertEquals(1.0, number("count(" + binding + "/sp:InitiatorToken//sp:X509Token//sp:WssX509V3Token10)"));
        assertEquals(1.0, number("count(" + binding + "/sp:RecipientToken//sp:X509Token)"));
        assertEquals(1.0, number("count(" + binding + "/sp:AlgorithmSuite//sp:Basic256Sha256)"));
        assertEquals(1.0, number("count(" + binding + "/sp:IncludeTimestamp)"));
        assertEquals(1.0, number("count(" + binding + "/sp:OnlySignEntireHeadersAndBody)"));
        assertEquals(1.0, number("count(" + POLICY + "//sp:SignedParts/sp:Body)"));
    }

    @Test
    void shouldDeclareTheFaultOnEveryOperation() throws Exception {
        NodeList operations = (NodeList) xpath.evaluate("//wsdl:portType/wsdl:operation", wsdl, XPathConstants.NODESET);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < operations.getLength(); i++) {
            String name = operations.item(i).getAttributes().getNamedItem("name").getNodeValue();
            names.add(name);
            assertEquals("tns:VbsFault", text("//wsdl:portType/wsdl:operation[@name='" + name + "']/wsdl:fault/@message"),
                    name);
        }
        assertEquals(List.of("CreateVolume", "DeleteVolume", "DescribeVolumes", "CreateSnapshot", "DeleteSnapshot",
                "DescribeSnapshots", "AttachVolume", "DetachVolume", "DescribePlugins", "RegisterHost", "DescribeHosts",
                "DeregisterHost", "ReconcileStorage"), names);
        assertTrue(text("//wsdl:message[@name='VbsFault']/wsdl:part/@element").endsWith(":ErrorResponse"));
    }

    @Test
    void shouldBindAttachAndDetachUnderTheSignedPolicyLikeEveryOtherOperation() throws Exception {
        for (String operation : List.of("AttachVolume", "DetachVolume")) {
            assertEquals(operation, text("//wsdl:binding/wsdl:operation[@name='" + operation
                    + "']/soap:operation/@soapAction"), operation);
            assertEquals(1.0, number("count(//wsdl:binding[wsp:PolicyReference]/wsdl:operation[@name='" + operation
                    + "']/wsdl:fault[@name='VbsFault'])"), operation);
        }
    }

    @Test
    void shouldUseEc2sElementNamesForAttachmentsAndTheHostAsVbsAddition() throws Exception {
        assertEquals(List.of("volumeId", "instanceId", "device", "host"), schemaElements("AttachVolumeType"));
        assertEquals(List.of("volumeId", "instanceId", "device", "force"), schemaElements("DetachVolumeType"));
        List<String> answer = List.of("requestId", "volumeId", "instanceId", "device", "status", "attachTime");
        assertEquals(answer, schemaElements("AttachVolumeResponseType"));
        assertEquals(answer, schemaElements("DetachVolumeResponseType"));
        assertEquals(List.of("volumeId", "instanceId", "device", "status", "attachTime", "deleteOnTermination"),
                schemaElements("AttachmentSetItemResponseType"));
        assertTrue(schemaElements("DescribeVolumesSetItemResponseType").contains("attachmentSet"));
    }

    /** The element names of a complex type of vbs-types.xsd, in order. */
    private static List<String> schemaElements(String type) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        Document xsd = factory.newDocumentBuilder().parse(Path.of("src/main/wsdl/vbs-types.xsd").toFile());
        NodeList elements = (NodeList) xpath.evaluate("//xs:complexType[@name='" + type + "']/xs:sequence/xs:element",
                xsd, XPathConstants.NODESET);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < elements.getLength(); i++) {
            names.add(elements.item(i).getAttributes().getNamedItem("name").getNodeValue());
        }
        return names;
    }

    private static double number(String expression) throws Exception {
        return (Double) xpath.evaluate(expression, wsdl, XPathConstants.NUMBER);
    }

    private static String text(String expression) throws Exception {
        return xpath.evaluate(expression, wsdl);
    }

    private static final class Namespaces implements NamespaceContext {
        @Override
        public String getNamespaceURI(String prefix) {
            return switch (prefix) {
                case "wsdl" -> "http://schemas.xmlsoap.org/wsdl/";
                case "wsp" -> "http://www.w3.org/ns/ws-policy";
                case "wsu" -> "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
                case "sp" -> SP;
                case "soap" -> "http://schemas.xmlsoap.org/wsdl/soap/";
                case "xs" -> XMLConstants.W3C_XML_SCHEMA_NS_URI;
                default -> XMLConstants.NULL_NS_URI;
            };
        }

        @Override
        public String getPrefix(String namespaceUri) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Iterator<String> getPrefixes(String namespaceUri) {
            throw new UnsupportedOperationException();
        }
    }
}
