package org.vbs.core.ops;

/** The multi-step operations the service runs through the {@link StepRunner}, by their API names. */
public enum OperationKind {
    CREATE_VOLUME("CreateVolume"),
    CREATE_VOLUME_FROM_SNAPSHOT("CreateVolume"),
    DELETE_VOLUME("DeleteVolume"),
    CREATE_SNAPSHOT("CreateSnapshot"),
    DELETE_SNAPSHOT("DeleteSnapshot"),
    ATTACH_VOLUME("AttachVolume"),
    DETACH_VOLUME("DetachVolume");

    private final String apiName;

    OperationKind(String apiName) {
        this.apiName = apiName;
    }

    /** The API operation this runs for, for logs and state reasons. */
    public String apiName() {
        return apiName;
    }
}
