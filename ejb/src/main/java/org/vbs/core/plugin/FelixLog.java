package org.vbs.core.plugin;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/** Sends the framework's own messages to the server log instead of standard output. */
final class FelixLog extends Logger {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(FelixLog.class);

    @Override
    @SuppressWarnings("rawtypes") // the framework's own signature
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String message, Throwable throwable) {
        String text = bundle == null ? message : "[" + bundle.getSymbolicName() + "] " + message;
        org.jboss.logging.Logger.Level jbossLevel = switch (level) {
            case LOG_ERROR -> org.jboss.logging.Logger.Level.ERROR;
            case LOG_WARNING -> org.jboss.logging.Logger.Level.WARN;
            case LOG_INFO -> org.jboss.logging.Logger.Level.INFO;
            default -> org.jboss.logging.Logger.Level.DEBUG;
        };
        LOG.log(jbossLevel, text, throwable);
    }
}
