package org.vbs.ws;

import jakarta.xml.ws.WebServiceContext;
import java.security.cert.X509Certificate;
import java.util.List;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;

/**
 * Who signed the request. WS-Security verifies the signature and the signer's chain (the grid CA
 * directory's trust check) before the endpoint runs and leaves its results in the message; the
 * caller is the chain's end entity (for a proxy chain, the user who made the proxy), its VOMS
 * attributes are checked by the endpoint ({@link org.vbs.security.grid.VomsTrust}). A call without
 * a verified X.509 signature is refused: there is no anonymous caller, whatever the policy engine
 * let through.
 */
final class CallerIdentity {

    private CallerIdentity() {
    }

    /** The verified signer's chain, the signer first. */
    static X509Certificate[] chain(WebServiceContext context) {
        if (context.getMessageContext().get(WSHandlerConstants.RECV_RESULTS) instanceof List<?> results) {
            for (Object result : results) {
                if (result instanceof WSHandlerResult handlerResult) {
                    for (WSSecurityEngineResult action : handlerResult.getActionResults()
                            .getOrDefault(WSConstants.SIGN, List.of())) {
                        X509Certificate[] chain = chainOf(action);
                        if (chain.length > 0) {
                            return chain;
                        }
                    }
                }
            }
        }
        // Never say more than "not signed": which results turned up is the server's business.
        throw new VbsException(ErrorCode.UNAUTHORIZED_OPERATION,
                "The request is not signed with an X.509 certificate; sign it with your grid credential.");
    }

    /** The whole chain of an X509PKIPathv1 token, or the one certificate of an X509v3 token. */
    private static X509Certificate[] chainOf(WSSecurityEngineResult signature) {
        if (signature.get(WSSecurityEngineResult.TAG_X509_CERTIFICATES) instanceof X509Certificate[] chain
                && chain.length > 0) {
            return chain;
        }
        if (signature.get(WSSecurityEngineResult.TAG_X509_CERTIFICATE) instanceof X509Certificate certificate) {
            return new X509Certificate[] {certificate};
        }
        return new X509Certificate[0];
    }
}
