package org.vbs.plugins.export.tgt;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which of the request's initiator identities the target's ACL names.
 *
 * <p>tgt (Debian 1.0.85, measured) admits a login when its address matches ANY
 * {@code --initiator-address} rule OR its name matches ANY {@code --initiator-name} rule: with both
 * bound, a wrong name from the right address gets in, and the right name from any address. "Both" is
 * therefore the weakest choice, not the strongest, and is offered only under the name that says so.
 * The default is the initiator name, the identity every iSCSI target (LIO too) can check.
 */
public enum InitiatorAcl {
    /** Only the request's initiator IQN may log in (from anywhere). */
    NAME("name"),
    /** Only the request's initiator address may log in (with any name). */
    ADDRESS("address"),
    /** A login with the right name OR from the right address gets in. */
    NAME_OR_ADDRESS("name-or-address");

    private final String value;

    InitiatorAcl(String value) {
        this.value = value;
    }

    /** The property value that selects this mode. */
    public String value() {
        return value;
    }

    boolean bindsName() {
        return this != ADDRESS;
    }

    boolean bindsAddress() {
        return this != NAME;
    }

    /** @throws IllegalArgumentException naming the valid values */
    static InitiatorAcl of(String value) {
        for (InitiatorAcl acl : values()) {
            if (acl.value.equals(value.strip().toLowerCase(Locale.ROOT))) {
                return acl;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not one of "
                + Arrays.stream(values()).map(InitiatorAcl::value).collect(Collectors.joining(", ")));
    }
}
