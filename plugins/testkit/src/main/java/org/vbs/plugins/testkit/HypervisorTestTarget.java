package org.vbs.plugins.testkit;

import java.util.Objects;
import java.util.Optional;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportedTarget;

/**
 * A volume a driver's test exported for the {@link HypervisorDriverContract}: a real iSCSI target
 * with one LUN, an initiator ACL admitting {@code initiatorIqn} and a CHAP account
 * {@code chapUser}/{@code chapSecret}. {@link #toString()} shows no secret.
 */
public record HypervisorTestTarget(ExportedTarget target, String initiatorIqn, String chapUser, String chapSecret) {
    public HypervisorTestTarget {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(initiatorIqn, "initiatorIqn");
        Objects.requireNonNull(chapUser, "chapUser");
        Objects.requireNonNull(chapSecret, "chapSecret");
    }

    public String volumeId() {
        return target.volumeId();
    }

    /** The right credentials, fresh (an attach may close its secret). */
    public ChapCredentials chap() {
        return new ChapCredentials(chapUser, Secret.of(chapSecret.toCharArray()), Optional.empty(), Optional.empty());
    }

    /** The right user with a secret the target does not accept. */
    public ChapCredentials wrongChap() {
        return new ChapCredentials(chapUser, Secret.of(wrongSecret().toCharArray()), Optional.empty(),
                Optional.empty());
    }

    /** The secret {@link #wrongChap()} carries: as long as the right one, and different. */
    public String wrongSecret() {
        return new StringBuilder(chapSecret).reverse().append('x').toString();
    }

    @Override
    public String toString() {
        return "HypervisorTestTarget[" + target + ", initiator=" + initiatorIqn + ", user=" + chapUser + "]";
    }
}
