package org.vbs.ws;

import jakarta.xml.ws.EndpointReference;
import jakarta.xml.ws.WebServiceContext;
import jakarta.xml.ws.handler.MessageContext;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;

/**
 * A WebServiceContext as CXF hands one to the endpoint, holding only the given message-context
 * values (the WS-Security results, the servlet request): all the endpoint ever reads. Each call of
 * {@link #getMessageContext} gets a fresh copy, as each request does.
 */
record FixedContext(Map<String, Object> values) implements WebServiceContext {
    FixedContext {
        values = Map.copyOf(values);
    }

    @Override
    public MessageContext getMessageContext() {
        Values context = new Values();
        context.putAll(values);
        return context;
    }

    @Override
    public Principal getUserPrincipal() {
        throw new UnsupportedOperationException("the caller comes from the signature's certificates");
    }

    @Override
    public boolean isUserInRole(String role) {
        throw new UnsupportedOperationException("roles are not how VBS authorizes");
    }

    @Override
    public EndpointReference getEndpointReference(org.w3c.dom.Element... referenceParameters) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <T extends EndpointReference> T getEndpointReference(Class<T> clazz,
            org.w3c.dom.Element... referenceParameters) {
        throw new UnsupportedOperationException();
    }

    private static final class Values extends HashMap<String, Object> implements MessageContext {
        @Override
        public void setScope(String name, Scope scope) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Scope getScope(String name) {
            return Scope.APPLICATION;
        }
    }
}
