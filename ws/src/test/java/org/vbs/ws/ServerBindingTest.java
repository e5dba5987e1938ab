package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.xml.bind.JAXBContext;
import java.io.StringReader;
import javax.xml.transform.stream.StreamSource;
import org.junit.jupiter.api.Test;
import org.vbs.ws.generated.DescribeVolumesType;

/** The server-only JAXB binding (src/main/jaxb): maxResults reaches RequestMapper exactly as sent. */
class ServerBindingTest {

    @Test
    void shouldHandMaxResultsOverAsTheTextTheClientSent() throws Exception {
        for (String sent : new String[] {" 5", "+5", "1 2", "4294967301", "\u0665"}) {
            String xml = "<DescribeVolumes xmlns=\"urn:vbs:2026-11\"><maxResults>" + sent
                    + "</maxResults></DescribeVolumes>";

            DescribeVolumesType request = JAXBContext.newInstance(DescribeVolumesType.class).createUnmarshaller()
                    .unmarshal(new StreamSource(new StringReader(xml)), DescribeVolumesType.class).getValue();

            assertEquals(sent, request.getMaxResults());
        }
    }
}
