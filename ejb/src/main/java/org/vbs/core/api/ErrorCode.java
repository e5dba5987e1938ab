package org.vbs.core.api;

import java.util.Optional;

/**
 * The fault codes clients see, with EBS's spelling. The code is the contract: a name here may be
 * renamed, the string never changes meaning. Each code says whose fault it is, as EC2 sorts its codes
 * into client and server errors: the SOAP fault's faultcode follows it.
 */
public enum ErrorCode {
    INVALID_PARAMETER_VALUE("InvalidParameterValue", Side.CLIENT),
    MISSING_PARAMETER("MissingParameter", Side.CLIENT),
    INVALID_VOLUME_ID_MALFORMED("InvalidVolumeID.Malformed", Side.CLIENT),
    INVALID_VOLUME_NOT_FOUND("InvalidVolume.NotFound", Side.CLIENT),
    INVALID_SNAPSHOT_ID_MALFORMED("InvalidSnapshotID.Malformed", Side.CLIENT),
    INVALID_SNAPSHOT_NOT_FOUND("InvalidSnapshot.NotFound", Side.CLIENT),
    INCORRECT_STATE("IncorrectState", Side.CLIENT),
    /** DetachVolume named an instance or device the volume is not attached to (EC2's code for it). */
    INVALID_ATTACHMENT_NOT_FOUND("InvalidAttachment.NotFound", Side.CLIENT),
    /** AttachVolume named an instance its hypervisor host does not run (EC2's code for an unknown instance). */
    INVALID_INSTANCE_ID_NOT_FOUND("InvalidInstanceID.NotFound", Side.CLIENT),
    /** RegisterHost named a host that is registered already (EC2's ".Duplicate" codes). */
    INVALID_HOST_DUPLICATE("InvalidHost.Duplicate", Side.CLIENT),
    /** DescribeHosts or DeregisterHost named a host that is not registered. */
    INVALID_HOST_NOT_FOUND("InvalidHost.NotFound", Side.CLIENT),
    IDEMPOTENT_PARAMETER_MISMATCH("IdempotentParameterMismatch", Side.CLIENT),
    UNAUTHORIZED_OPERATION("UnauthorizedOperation", Side.CLIENT),
    INVALID_PAGINATION_TOKEN("InvalidPaginationToken", Side.CLIENT),
    /** The configured backend cannot do this (e.g. make a volume from a snapshot). */
    UNSUPPORTED_OPERATION("UnsupportedOperation", Side.CLIENT),
    INSUFFICIENT_CAPACITY("InsufficientVolumeCapacity", Side.SERVER),
    SERVICE_UNAVAILABLE("ServiceUnavailable", Side.SERVER),
    INTERNAL_ERROR("InternalError", Side.SERVER);

    /** Whose fault a refusal is. */
    public enum Side {
        /** The request was wrong (a bad value, an unknown id, the wrong state): it needs a change by the caller. */
        CLIENT,
        /** The service could not do it (no capacity, a host down, a failure): the same call may pass later. */
        SERVER
    }

    private final String code;
    private final Side side;

    ErrorCode(String code, Side side) {
        this.code = code;
        this.side = side;
    }

    /** The code on the wire, e.g. {@code InvalidVolume.NotFound}. */
    public String code() {
        return code;
    }

    /** Whose fault it is: a CLIENT code answers as a soap:Client fault, a SERVER code as soap:Server. */
    public Side side() {
        return side;
    }

    /** The code spelled {@code code} on the wire, if there is one. */
    public static Optional<ErrorCode> ofCode(String code) {
        for (ErrorCode candidate : values()) {
            if (candidate.code.equals(code)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
