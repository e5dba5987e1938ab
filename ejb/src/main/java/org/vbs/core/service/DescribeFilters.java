package org.vbs.core.service;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.UserText;
import org.vbs.core.domain.VolumeRecord;

/**
 * EC2-style Describe* filters: a resource matches when, for every filter, one of the filter's values
 * equals one of the resource's values for that name. Unknown names and values that cannot match
 * anything by their syntax (a status that does not exist, a size that is not a number) are refused.
 */
final class DescribeFilters {
    private static final String TAG_PREFIX = "tag:";

    /** What a filter name reads from a resource, and how its given values are checked and normalized. */
    private record Attribute<R>(Function<R, Collection<String>> values, UnaryOperator<String> normalize) {
    }

    private static final Map<String, Attribute<VolumeRecord>> VOLUME_FILTERS = new LinkedHashMap<>();
    private static final Map<String, Attribute<SnapshotRecord>> SNAPSHOT_FILTERS = new LinkedHashMap<>();

    static {
        VOLUME_FILTERS.put("status", new Attribute<>(v -> List.of(v.state().wireName()),
                value -> known("status", value, Stream.of(VolumeState.values()).map(VolumeState::wireName))));
        VOLUME_FILTERS.put("volume-id", new Attribute<>(v -> List.of(v.id()), UnaryOperator.identity()));
        VOLUME_FILTERS.put("snapshot-id", new Attribute<>(v -> v.snapshotId().stream().toList(),
                UnaryOperator.identity()));
        VOLUME_FILTERS.put("size", new Attribute<>(v -> List.of(String.valueOf(v.sizeGiB())),
                value -> number("size", value)));
        VOLUME_FILTERS.put("tag-key", new Attribute<>(v -> v.tags().keySet(), UnaryOperator.identity()));
        VOLUME_FILTERS.put("attachment.instance-id", new Attribute<>(v -> v.attachment().stream()
                .map(a -> a.instanceId()).toList(), UnaryOperator.identity()));
        VOLUME_FILTERS.put("attachment.device", new Attribute<>(v -> v.attachment().stream()
                .map(a -> a.device()).toList(), UnaryOperator.identity()));
        VOLUME_FILTERS.put("attachment.status", new Attribute<>(v -> v.attachment().stream()
                .map(a -> a.status().wireName()).toList(), value -> known("attachment.status", value,
                        Stream.of(VolumeAttachment.Status.values()).map(VolumeAttachment.Status::wireName))));

        SNAPSHOT_FILTERS.put("status", new Attribute<>(s -> List.of(s.state().wireName()),
                value -> known("status", value, Stream.of(SnapshotState.values()).map(SnapshotState::wireName))));
        SNAPSHOT_FILTERS.put("snapshot-id", new Attribute<>(s -> List.of(s.id()), UnaryOperator.identity()));
        SNAPSHOT_FILTERS.put("volume-id", new Attribute<>(s -> List.of(s.volumeId()), UnaryOperator.identity()));
        SNAPSHOT_FILTERS.put("volume-size", new Attribute<>(s -> List.of(String.valueOf(s.volumeSizeGiB())),
                value -> number("volume-size", value)));
        SNAPSHOT_FILTERS.put("description", new Attribute<>(s -> List.of(s.description()),
                UnaryOperator.identity()));
    }

    private DescribeFilters() {
    }

    /**
     * Filters of DescribeVolumes: status, volume-id, snapshot-id, size, tag-key, attachment.instance-id,
     * attachment.device, attachment.status and tag:&lt;key&gt;.
     */
    static Predicate<VolumeRecord> volumes(Map<String, List<String>> filters) {
        return compile(filters, "DescribeVolumes", name -> {
            if (name.startsWith(TAG_PREFIX) && name.length() > TAG_PREFIX.length()) {
                String key = name.substring(TAG_PREFIX.length());
                return Optional.of(new Attribute<>(v -> Optional.ofNullable(v.tags().get(key)).stream().toList(),
                        UnaryOperator.identity()));
            }
            return Optional.ofNullable(VOLUME_FILTERS.get(name));
        }, String.join(", ", VOLUME_FILTERS.keySet()) + ", tag:<key>");
    }

    /** Filters of DescribeSnapshots: status, snapshot-id, volume-id, volume-size and description. */
    static Predicate<SnapshotRecord> snapshots(Map<String, List<String>> filters) {
        return compile(filters, "DescribeSnapshots", name -> Optional.ofNullable(SNAPSHOT_FILTERS.get(name)),
                String.join(", ", SNAPSHOT_FILTERS.keySet()));
    }

    private static <R> Predicate<R> compile(Map<String, List<String>> filters, String operation,
                                            Function<String, Optional<Attribute<R>>> vocabulary, String known) {
        Predicate<R> all = r -> true;
        for (Map.Entry<String, List<String>> filter : filters.entrySet()) {
            String name = filter.getKey();
            Attribute<R> attribute = vocabulary.apply(name).orElseThrow(() -> RequestRules.invalid(
                    "Unknown filter name " + UserText.quote(name) + " for " + operation + "; known names: " + known
                            + "."));
            if (filter.getValue().isEmpty()) {
                throw RequestRules.invalid("The filter " + UserText.quote(name) + " needs at least one value.");
            }
            Set<String> wanted = new HashSet<>();
            filter.getValue().forEach(value -> wanted.add(attribute.normalize().apply(value)));
            all = all.and(r -> attribute.values().apply(r).stream().anyMatch(wanted::contains));
        }
        return all;
    }

    private static String known(String name, String value, Stream<String> allowed) {
        List<String> names = allowed.toList();
        if (!names.contains(value)) {
            throw RequestRules.invalid("The " + name + " filter value " + UserText.quote(value)
                    + " is not a state; use one of " + String.join(", ", names) + ".");
        }
        return value;
    }

    private static String number(String name, String value) {
        try {
            return String.valueOf(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw RequestRules.invalid("The " + name + " filter value " + UserText.quote(value)
                    + " is not a whole number of GiB.");
        }
    }
}
