package org.vbs.it.support;

/** Ending what a test started: every resource is closed even when one fails. */
public final class Resources {
    private Resources() {
    }

    /**
     * Closes each resource in the order given; the first failure is thrown once all were tried,
     * with the later ones suppressed in it.
     */
    public static void closeAll(Iterable<? extends AutoCloseable> resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
