package org.vbs.core.api;

/**
 * The fault codes clients see, with EBS's spelling. The code is the contract: a name here may be
 * renamed, the string never changes meaning.
 */
public enum ErrorCode {
    INVALID_PARAMETER_VALUE("InvalidParameterValue", false),
    MISSING_PARAMETER("MissingParameter", false),
    INVALID_VOLUME_ID_MALFORMED("InvalidVolumeID.Malformed", false),
    INVALID_VOLUME_NOT_FOUND("InvalidVolume.NotFound", false),
    INVALID_SNAPSHOT_ID_MALFORMED("InvalidSnapshotID.Malformed", false),
    INVALID_SNAPSHOT_NOT_FOUND("InvalidSnapshot.NotFound", false),
    INCORRECT_STATE("IncorrectState", false),
    /** DetachVolume named an instance or device the volume is not attached to (EC2's code for it). */
    INVALID_ATTACHMENT_NOT_FOUND("InvalidAttachment.NotFound", false),
    /** AttachVolume named an instance its hypervisor host does not run (EC2's code for an unknown instance). */
    INVALID_INSTANCE_ID_NOT_FOUND("InvalidInstanceID.NotFound", false),
    /** RegisterHost named a host that is registered already (EC2's ".Duplicate" codes). */
    INVALID_HOST_DUPLICATE("InvalidHost.Duplicate", false),
    /** DescribeHosts or DeregisterHost named a host that is not registered. */
    INVALID_HOST_NOT_FOUND("InvalidHost.NotFound", false),
    IDEMPOTENT_PARAMETER_MISMATCH("IdempotentParameterMismatch", false),
    UNAUTHORIZED_OPERATION("UnauthorizedOperation", false),
    INVALID_PAGINATION_TOKEN("InvalidPaginationToken", false),
    /** The configured backend cannot do this (e.g. make a volume from a snapshot). */
    UNSUPPORTED_OPERATION("UnsupportedOperation", false),
    INSUFFICIENT_CAPACITY("InsufficientVolumeCapacity", true),
    SERVICE_UNAVAILABLE("ServiceUnavailable", true),
    INTERNAL_ERROR("InternalError", true);

    private final String code;
    private final boolean retriable;

    ErrorCode(String code, boolean retriable) {
        this.code = code;
        this.retriable = retriable;
    }

    /** The code on the wire, e.g. {@code InvalidVolume.NotFound}. */
    public String code() {
        return code;
    }

    /** Whether the same call may succeed later without any change by the caller. */
    public boolean retriable() {
        return retriable;
    }
}
