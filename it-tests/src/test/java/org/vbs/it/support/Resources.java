package org.vbs.it.support;

/** Ending what a test started: every resource is closed even when one fails. */
public final class Resources {
    private Resources() {
    }

    /**
     * Closes each resource in the order given; the first failure is thrown once all were tried,
     * with the later ones suppressed in it. A failed assertion inside a close (an {@link Error},
     * e.g. "the server did not stop") does not stop the others from being closed either.
     */
    public static void closeAll(Iterable<? extends AutoCloseable> resources) throws Exception {
        Throwable first = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception | AssertionError e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof Exception exception) {
            throw exception;
        }
        if (first instanceof AssertionError error) {
            throw error;
        }
    }
}
