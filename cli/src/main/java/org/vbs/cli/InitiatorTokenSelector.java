package org.vbs.cli;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageUtils;
import org.apache.cxf.ws.policy.AlternativeSelector;
import org.apache.cxf.ws.policy.Assertor;
import org.apache.cxf.ws.policy.PolicyEngine;
import org.apache.neethi.Assertion;
import org.apache.neethi.Policy;
import org.apache.wss4j.policy.model.AbstractToken;
import org.apache.wss4j.policy.model.AsymmetricBinding;
import org.apache.wss4j.policy.model.X509Token;

/**
 * Picks, of the service policy's alternatives, the one whose initiator token is the type the
 * caller's credential needs: an X509v3 token for one certificate, an X509PKIPathv1 token for a
 * proxy chain (the service needs the end-entity certificate and the proxies to validate it). CXF's
 * own selectors would take the first alternative it supports, whatever the credential.
 */
final class InitiatorTokenSelector implements AlternativeSelector {
    /** Request-context key: {@code Boolean.TRUE} when the port signs with a proxy chain. */
    static final String PKI_PATH = "org.vbs.cli.signature.pki-path";

    @Override
    public Collection<Assertion> selectAlternative(Policy policy, PolicyEngine engine, Assertor assertor,
            List<List<Assertion>> request, Message message) {
        X509Token.TokenType wanted = MessageUtils.getContextualBoolean(message, PKI_PATH, false)
                ? X509Token.TokenType.WssX509PkiPathV1Token10 : X509Token.TokenType.WssX509V3Token10;
        Iterator<List<Assertion>> alternatives = policy.getAlternatives();
        while (alternatives.hasNext()) {
            List<Assertion> alternative = alternatives.next();
            if (initiatorTokenIs(alternative, wanted) && engine.supportsAlternative(alternative, assertor, message)) {
                return alternative;
            }
        }
        // CXF then refuses to send, naming the policy: better than sending a token the service cannot use.
        return null;
    }

    private static boolean initiatorTokenIs(List<Assertion> alternative, X509Token.TokenType wanted) {
        for (Assertion assertion : alternative) {
            if (assertion instanceof AsymmetricBinding binding && binding.getInitiatorToken() != null) {
                AbstractToken token = binding.getInitiatorToken().getToken();
                return token instanceof X509Token x509 && x509.getTokenType() == wanted;
            }
        }
        // An alternative without an asymmetric binding (none in the VBS policy) is not ours to judge.
        return true;
    }
}
