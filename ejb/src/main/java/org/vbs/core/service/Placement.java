package org.vbs.core.service;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.Causes;
import org.vbs.core.host.DriverKind;
import org.vbs.core.host.HostRegistration;
import org.vbs.core.host.Hosts;
import org.vbs.plugins.spi.volume.VolumeCapacity;

/**
 * Chooses the volume server for a new volume: of those whose driver answers and can hold a volume of
 * this size at all, the one with the most free space. Volumes are thin, so free space is a preference,
 * not a reservation.
 */
final class Placement {
    private static final Logger LOG = Logger.getLogger(Placement.class);

    private record Candidate(String host, VolumeCapacity capacity) {
    }

    private Placement() {
    }

    /**
     * @throws VbsException InsufficientVolumeCapacity naming the largest volume any server can hold;
     *         ServiceUnavailable when no volume server answers
     */
    static String choose(Hosts hosts, long sizeBytes) {
        List<Candidate> answering = hosts.registrations().stream()
                .filter(h -> h.driver(DriverKind.VOLUME).isPresent())
                .map(h -> capacityOf(hosts, h))
                .flatMap(Optional::stream)
                .toList();
        if (answering.isEmpty()) {
            throw new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "No volume server is available; retry later.");
        }
        return answering.stream().filter(c -> c.capacity().largestVolumeBytes() >= sizeBytes)
                .max(Comparator.comparingLong(c -> c.capacity().freeBytes()))
                .map(Candidate::host)
                .orElseThrow(() -> {
                    long largest = answering.stream().mapToLong(c -> c.capacity().largestVolumeBytes()).max()
                            .orElseThrow();
                    return new VbsException(ErrorCode.INSUFFICIENT_CAPACITY, "No volume server can hold a volume of "
                            + (sizeBytes >> 30) + " GiB; the largest possible now is " + (largest >> 30) + " GiB.");
                });
    }

    private static Optional<Candidate> capacityOf(Hosts hosts, HostRegistration host) {
        try {
            return Optional.of(new Candidate(host.name(), hosts.volumeDriver(host.name()).capacity()));
        } catch (Exception e) {
            LOG.warnf("Volume server %s is left out of placement: %s", host.name(), Causes.describe(e));
            return Optional.empty();
        }
    }
}
