package org.vbs.ws;

import jakarta.xml.ws.WebServiceContext;
import java.security.Principal;
import javax.security.auth.x500.X500Principal;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.security.GridIdentity;

/**
 * Who signed the request. WS-Security verifies the signature and the signer's chain before the
 * endpoint runs and hands over the signer's certificate subject as the user principal. A call without
 * one is refused: there is no anonymous caller, whatever the policy engine let through.
 */
final class CallerIdentity {

    private CallerIdentity() {
    }

    static GridIdentity of(WebServiceContext context) {
        Principal principal = context.getUserPrincipal();
        if (principal instanceof X500Principal signer) {
            return GridIdentity.of(signer);
        }
        // Never say more than "not signed": which principal type turned up is the server's business.
        throw new VbsException(ErrorCode.UNAUTHORIZED_OPERATION,
                "The request is not signed with an X.509 certificate; sign it with your grid credential.");
    }
}
