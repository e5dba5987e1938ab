package org.vbs.core.plugin;

import jakarta.ejb.EJB;
import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.List;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.PluginStatus;
import org.vbs.core.api.VbsException;
import org.vbs.core.auth.AdminList;
import org.vbs.core.config.VbsHome;
import org.vbs.core.api.RequestContext;

/** The plugin status, for the administrators listed in {@code ${vbs.home}/admins}. */
@Stateless
@Local(PluginStatus.class)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PluginStatusBean implements PluginStatus {
    @EJB
    private PluginHostBean host;

    @Override
    public List<Bundle> bundles(RequestContext request) {
        if (!new AdminList(VbsHome.resolve().resolve(AdminList.FILE_NAME)).isAdmin(request)) {
            throw new VbsException(ErrorCode.UNAUTHORIZED_OPERATION,
                    "The plugin status is for administrators; " + request.caller() + " is not one.");
        }
        return host.bundles();
    }
}
