package org.vbs.plugins.spi.volume;

/** Receives the progress of a long copy, as a percentage from 0 to 100. Called from the copying thread. */
@FunctionalInterface
@org.osgi.annotation.versioning.ConsumerType
public interface ProgressListener {
    ProgressListener NONE = percent -> { };

    void progress(int percent);
}
