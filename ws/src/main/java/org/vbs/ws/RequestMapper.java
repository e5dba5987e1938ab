package org.vbs.ws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.StorageReconciliation;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.UserText;
import org.vbs.ws.generated.CreateSnapshotType;
import org.vbs.ws.generated.CreateVolumeType;
import org.vbs.ws.generated.DescribeHostsType;
import org.vbs.ws.generated.DescribeSnapshotsSetItemType;
import org.vbs.ws.generated.DescribeSnapshotsType;
import org.vbs.ws.generated.DescribeVolumesSetItemType;
import org.vbs.ws.generated.DescribeVolumesType;
import org.vbs.ws.generated.FilterSetType;
import org.vbs.ws.generated.FilterType;
import org.vbs.ws.generated.HostPropertySetItemType;
import org.vbs.ws.generated.ReconcileStorageType;
import org.vbs.ws.generated.RegisterHostType;
import org.vbs.ws.generated.ResourceTagSetItemType;
import org.vbs.ws.generated.TagSpecificationSetItemType;
import org.vbs.ws.generated.TagSpecificationSetType;
import org.vbs.ws.generated.ValueType;

/**
 * Wire requests to service requests. Only the shape is checked here (a number that is not plain digits,
 * a tag without a key, a filter named twice): whether a value is acceptable is the service's call,
 * so sizes, ids and filter names go through unjudged.
 */
final class RequestMapper {

    /** The only resource type CreateVolume can tag (EC2's spelling). */
    static final String VOLUME_RESOURCE_TYPE = "volume";
    /** More digits than any size or count the service takes (16384 GiB, 1000 results), and well inside a long. */
    static final int MAX_DIGITS = 9;

    CreateVolumeRequest createVolume(CreateVolumeType request) {
        return new CreateVolumeRequest(sizeGiB(request.getSize()), Optional.ofNullable(request.getSnapshotId()),
                Optional.ofNullable(request.getClientToken()), volumeTags(request.getTagSpecificationSet()));
    }

    DescribeRequest describeVolumes(DescribeVolumesType request) {
        List<String> ids = request.getVolumeSet() == null ? List.of()
                : ids(request.getVolumeSet().getItem(), DescribeVolumesSetItemType::getVolumeId, "volumeSet", "volumeId");
        return describe(ids, request.getFilterSet(), request.getMaxResults(), request.getNextToken());
    }

    DescribeRequest describeSnapshots(DescribeSnapshotsType request) {
        List<String> ids = request.getSnapshotSet() == null ? List.of()
                : ids(request.getSnapshotSet().getItem(), DescribeSnapshotsSetItemType::getSnapshotId,
                        "snapshotSet", "snapshotId");
        return describe(ids, request.getFilterSet(), request.getMaxResults(), request.getNextToken());
    }

    /** CreateSnapshot's description; absent means empty, as in EC2. */
    String snapshotDescription(CreateSnapshotType request) {
        return request.getDescription() == null ? "" : request.getDescription();
    }

    /**
     * An optional check of DetachVolume (instanceId, device): absent checks nothing; given empty is
     * refused, since an empty name can match no attachment and was surely not meant.
     */
    Optional<String> optionalCheck(String value, String element) {
        if (value != null && value.isEmpty()) {
            throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, element
                    + " is empty; leave it out, or give the " + element + " the volume is attached with.");
        }
        return Optional.ofNullable(value);
    }

    /** DetachVolume's force: absent is false, as in EC2. */
    boolean force(Boolean force) {
        return Boolean.TRUE.equals(force);
    }

    /** A required single value, e.g. DeleteVolume's volumeId: absent is MissingParameter. */
    String required(String value, String element) {
        if (value == null) {
            throw new VbsException(ErrorCode.MISSING_PARAMETER, "The request must include " + element + ".");
        }
        return value;
    }

    /** RegisterHost's propertySet as a host file's keys and values; a key given twice is refused. */
    Map<String, String> hostProperties(RegisterHostType request) {
        Map<String, String> items = new LinkedHashMap<>();
        if (request.getPropertySet() == null) {
            return items;
        }
        for (HostPropertySetItemType item : request.getPropertySet().getItem()) {
            String key = required(item.getKey(), "propertySet.item.key");
            if (items.put(key, required(item.getValue(), "propertySet.item.value")) != null) {
                throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, "The property '"
                        + key.replaceAll("\\p{Cntrl}", "?") + "' is given more than once.");
            }
        }
        return items;
    }

    /** DescribeHosts' hostSet: the names asked for (none: every host). */
    Set<String> hostNames(DescribeHostsType request) {
        Set<String> names = new LinkedHashSet<>();
        if (request.getHostSet() != null) {
            request.getHostSet().getItem()
                    .forEach(item -> names.add(required(item.getHostName(), "hostSet.item.hostName")));
        }
        return names;
    }

    /** ReconcileStorage's policy: report or clean; absent: the server's own. */
    Optional<StorageReconciliation.Policy> reconcilePolicy(ReconcileStorageType request) {
        if (request.getPolicy() == null) {
            return Optional.empty();
        }
        return Optional.of(StorageReconciliation.Policy.fromWireName(request.getPolicy()).orElseThrow(() ->
                new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, "policy " + UserText.quote(request.getPolicy())
                        + " is not one of report, clean.")));
    }

    private static Optional<Long> sizeGiB(String size) {
        return size == null ? Optional.empty() : Optional.of(wholeNumber(size, "size", "GiB (e.g. 10)"));
    }

    /**
     * A count or size as the wire gives it: ASCII digits only, at most {@value #MAX_DIGITS} of them.
     * No sign, no spaces, no other script's digits (Java's parsers take " 1"-stripped, "+1" and "١" as
     * 1; JAXB's xs:int even takes "1 2" as 12 and wraps past 2^31). Leading zeros are decimal digits
     * like any other: "010" is 10, as in EC2. Whether the number is in range is the service's call.
     */
    static long wholeNumber(String value, String element, String example) {
        if (value.isEmpty() || value.length() > MAX_DIGITS
                || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, element + " " + UserText.quote(value)
                    + " is not a whole number: write it with the digits 0-9 only, at most " + MAX_DIGITS
                    + " of them, no sign or spaces, in " + example + ".");
        }
        return Long.parseLong(value);
    }

    /** maxResults, taken as the text the wire gave (see the server-only JAXB binding in ws/pom.xml). */
    private static Optional<Integer> maxResults(String maxResults) {
        return maxResults == null ? Optional.empty()
                : Optional.of((int) wholeNumber(maxResults, "maxResults", "results (e.g. 100)"));
    }

    private static Map<String, String> volumeTags(TagSpecificationSetType specifications) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (specifications == null) {
            return tags;
        }
        for (TagSpecificationSetItemType specification : specifications.getItem()) {
            String resourceType = specification.getResourceType();
            if (resourceType != null && !VOLUME_RESOURCE_TYPE.equals(resourceType)) {
                throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, "tagSpecificationSet resourceType '"
                        + resourceType + "' cannot be tagged by CreateVolume; use '" + VOLUME_RESOURCE_TYPE + "'.");
            }
            if (specification.getTagSet() == null) {
                continue;
            }
            for (ResourceTagSetItemType tag : specification.getTagSet().getItem()) {
                if (tag.getKey() == null) {
                    throw new VbsException(ErrorCode.MISSING_PARAMETER, "Every tag in tagSet must have a key.");
                }
                // EC2: a tag without a value has the empty value.
                String value = tag.getValue() == null ? "" : tag.getValue();
                if (tags.putIfAbsent(tag.getKey(), value) != null) {
                    throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE,
                            "Tag key '" + tag.getKey() + "' is given more than once; give each key once.");
                }
            }
        }
        return tags;
    }

    private static <T> List<String> ids(List<T> items, Function<T, String> id, String set, String element) {
        List<String> ids = new ArrayList<>(items.size());
        for (T item : items) {
            String value = id.apply(item);
            if (value == null) {
                throw new VbsException(ErrorCode.MISSING_PARAMETER, "Every item of " + set + " must have a "
                        + element + ".");
            }
            ids.add(value);
        }
        return ids;
    }

    private static DescribeRequest describe(List<String> ids, FilterSetType filterSet, String maxResults,
                                            String nextToken) {
        return new DescribeRequest(ids, filters(filterSet), maxResults(maxResults),
                Optional.ofNullable(nextToken));
    }

    private static Map<String, List<String>> filters(FilterSetType filterSet) {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        if (filterSet == null) {
            return filters;
        }
        for (FilterType filter : filterSet.getItem()) {
            if (filter.getName() == null) {
                throw new VbsException(ErrorCode.MISSING_PARAMETER, "Every filter in filterSet must have a name.");
            }
            List<String> values = new ArrayList<>();
            if (filter.getValueSet() != null) {
                for (ValueType value : filter.getValueSet().getItem()) {
                    if (value.getValue() == null) {
                        throw new VbsException(ErrorCode.MISSING_PARAMETER,
                                "Filter '" + filter.getName() + "' has a valueSet item without a value.");
                    }
                    values.add(value.getValue());
                }
            }
            // Two filters of one name would be ANDed by EC2's rules, which is rarely what was meant:
            // ask for one filter listing every accepted value instead.
            if (filters.putIfAbsent(filter.getName(), List.copyOf(values)) != null) {
                throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, "Filter '" + filter.getName()
                        + "' is given more than once; list all its values in one filter.");
            }
        }
        return filters;
    }
}
