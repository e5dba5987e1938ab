package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.bind.JAXBContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Exchange;
import org.apache.cxf.message.ExchangeImpl;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageImpl;
import org.apache.wss4j.common.cache.ReplayCache;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.SeenMessages;
import org.vbs.core.api.VbsException;
import org.vbs.core.cluster.ViewChange;
import org.vbs.ws.generated.ErrorResponseType;
import org.vbs.ws.generated.ErrorType;
import org.vbs.ws.generated.ObjectFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class ReplayCacheInterceptorTest {

    @Test
    void shouldHandWsSecurityTheClusterReplayCacheWhenThisNodeHasAMajority() {
        RecordingSeenMessages seen = new RecordingSeenMessages(true);
        Message message = message();

        new ReplayCacheInterceptor(seen).handleMessage(message);

        ReplayCacheInterceptor.ClusterReplayCache cache =
                (ReplayCacheInterceptor.ClusterReplayCache) message.get(ReplayCacheInterceptor.TIMESTAMP_CACHE_INSTANCE);
        assertSame(seen, cache.seen());
        cache.add("id-1", Instant.parse("2026-12-01T12:05:00Z"));
        assertFalse(cache.contains("id-2"));
        assertEquals(List.of("remember id-1", "seen id-2"), seen.calls);
    }

    @Test
    void shouldAnswerTheCachesRefusalWhileWsSecurityUsedItInsteadOfASecurityError() throws Exception {
        VbsException settling = ViewChange.refusal(new IllegalStateException("ISPN000476: Timed out"));
        RecordingSeenMessages seen = new RecordingSeenMessages(true, settling);
        Message message = message();
        ReplayCacheInterceptor interceptor = new ReplayCacheInterceptor(seen);
        interceptor.handleMessage(message);
        ReplayCache cache = (ReplayCache) message.get(ReplayCacheInterceptor.TIMESTAMP_CACHE_INSTANCE);

        // when WS-Security records the message and the cache refuses, WS-Security makes a fault of its own
        assertSame(settling, assertThrows(VbsException.class, () -> cache.add("id-1", Instant.now())));
        Fault securityError = new Fault(new WSSecurityException(WSSecurityException.ErrorCode.FAILURE));
        message.setContent(Exception.class, securityError);
        // and the chain unwinds through this interceptor
        interceptor.handleFault(message);

        // then the caller gets the cache's refusal: ServiceUnavailable, the service's fault, retriable
        Fault answered = (Fault) message.getContent(Exception.class);
        ErrorType error = errorResponse(answered.getDetail()).getErrors().getError().get(0);
        assertEquals("ServiceUnavailable", error.getCode());
        assertTrue(error.getMessage().contains("changing its members"), error.getMessage());
        assertEquals(Fault.FAULT_CODE_SERVER, answered.getFaultCode());
        assertFalse(FaultCodeInterceptor.causedByCaller(answered));
    }

    @Test
    void shouldLeaveAnyOtherFaultAsItIs() {
        Message message = message();
        ReplayCacheInterceptor interceptor = new ReplayCacheInterceptor(new RecordingSeenMessages(true));
        interceptor.handleMessage(message);
        Fault badSignature = new Fault(new WSSecurityException(WSSecurityException.ErrorCode.FAILED_CHECK));
        message.setContent(Exception.class, badSignature);

        interceptor.handleFault(message);

        assertSame(badSignature, message.getContent(Exception.class));
    }

    private static Message message() {
        Message message = new MessageImpl();
        Exchange exchange = new ExchangeImpl();
        exchange.setInMessage(message);
        message.setExchange(exchange);
        return message;
    }

    @Test
    void shouldRefuseEverySignedCallOnTheMinoritySideWithServiceUnavailableAndRecordNothing() throws Exception {
        RecordingSeenMessages seen = new RecordingSeenMessages(false);
        Message message = message();

        Fault fault = assertThrows(Fault.class, () -> new ReplayCacheInterceptor(seen).handleMessage(message));

        // the detail is the contract's ErrorResponse, as the endpoint's faults carry it
        ErrorResponseType response = errorResponse(fault.getDetail());
        ErrorType error = response.getErrors().getError().get(0);
        assertEquals("ServiceUnavailable", error.getCode());
        assertTrue(error.getMessage().contains("cannot reach a majority of the cluster"), error.getMessage());
        assertTrue(error.getMessage().contains("Retry later, or call another node"), error.getMessage());
        assertFalse(response.getRequestID().isBlank());
        assertEquals("ServiceUnavailable: " + error.getMessage(), fault.getMessage());
        // the service's fault, not the caller's: soap:Server
        assertEquals(Fault.FAULT_CODE_SERVER, fault.getFaultCode());
        assertFalse(FaultCodeInterceptor.causedByCaller(fault));
        // and WS-Security gets no cache to record the message in; nothing was asked or recorded
        assertNull(message.get(ReplayCacheInterceptor.TIMESTAMP_CACHE_INSTANCE));
        assertEquals(List.of(), seen.calls);
    }

    private static ErrorResponseType errorResponse(Element detail) throws Exception {
        Node first = detail.getFirstChild();
        while (first != null && first.getNodeType() != Node.ELEMENT_NODE) {
            first = first.getNextSibling();
        }
        return JAXBContext.newInstance(ObjectFactory.class).createUnmarshaller()
                .unmarshal(first, ErrorResponseType.class).getValue();
    }

    /** Answers availability as told and records what else it is asked. */
    private static final class RecordingSeenMessages implements SeenMessages {
        private final boolean available;
        private final VbsException refusal;
        private final List<String> calls = new ArrayList<>();

        RecordingSeenMessages(boolean available) {
            this(available, null);
        }

        RecordingSeenMessages(boolean available, VbsException refusal) {
            this.available = available;
            this.refusal = refusal;
        }

        @Override
        public boolean seen(String identifier) {
            calls.add("seen " + identifier);
            return false;
        }

        @Override
        public void remember(String identifier, Instant until) {
            calls.add("remember " + identifier);
            if (refusal != null) {
                throw refusal;
            }
        }

        @Override
        public boolean available() {
            return available;
        }
    }
}
