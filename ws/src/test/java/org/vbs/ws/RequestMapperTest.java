package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.ws.generated.CreateSnapshotType;
import org.vbs.ws.generated.CreateVolumeType;
import org.vbs.ws.generated.DescribeSnapshotsSetItemType;
import org.vbs.ws.generated.DescribeSnapshotsSetType;
import org.vbs.ws.generated.DescribeSnapshotsType;
import org.vbs.ws.generated.DescribeVolumesSetItemType;
import org.vbs.ws.generated.DescribeVolumesSetType;
import org.vbs.ws.generated.DescribeVolumesType;
import org.vbs.ws.generated.FilterSetType;
import org.vbs.ws.generated.FilterType;
import org.vbs.ws.generated.ResourceTagSetItemType;
import org.vbs.ws.generated.ResourceTagSetType;
import org.vbs.ws.generated.TagSpecificationSetItemType;
import org.vbs.ws.generated.TagSpecificationSetType;
import org.vbs.ws.generated.ValueSetType;
import org.vbs.ws.generated.ValueType;

class RequestMapperTest {

    private final RequestMapper mapper = new RequestMapper();

    @Test
    void shouldMapEveryCreateVolumeField() {
        CreateVolumeType wire = new CreateVolumeType();
        wire.setSize("10");
        wire.setSnapshotId("snap-0123456789abcdef0");
        wire.setClientToken("token-1");
        wire.setTagSpecificationSet(tagSpecifications(RequestMapper.VOLUME_RESOURCE_TYPE,
                tag("project", "grid"), tag("owner", "alice")));

        CreateVolumeRequest request = mapper.createVolume(wire);

        assertEquals(Optional.of(10L), request.sizeGiB());
        assertEquals(Optional.of("snap-0123456789abcdef0"), request.snapshotId());
        assertEquals(Optional.of("token-1"), request.clientToken());
        assertEquals(Map.of("project", "grid", "owner", "alice"), request.tags());
    }

    @Test
    void shouldLeaveAbsentCreateVolumeFieldsEmpty() {
        CreateVolumeRequest request = mapper.createVolume(new CreateVolumeType());

        assertEquals(Optional.empty(), request.sizeGiB());
        assertEquals(Optional.empty(), request.snapshotId());
        assertEquals(Optional.empty(), request.clientToken());
        assertEquals(Map.of(), request.tags());
    }

    @Test
    void shouldPassZeroAndHugeSizesToTheServiceToJudge() {
        assertEquals(Optional.of(0L), mapper.createVolume(volumeOfSize("0")).sizeGiB());
        assertEquals(Optional.of(999_999_999L), mapper.createVolume(volumeOfSize("999999999")).sizeGiB());
    }

    @Test
    void shouldReadLeadingZerosAsDecimalDigits() {
        assertEquals(Optional.of(10L), mapper.createVolume(volumeOfSize("010")).sizeGiB());
    }

    @Test
    void shouldRefuseASizeThatIsNotPlainAsciiDigitsNamingIt() {
        // a sign, spaces, other scripts' digits (Arabic-Indic, fullwidth), empty, too many digits
        for (String size : List.of("ten", "1.5", "10GiB", "99999999999999999999", "-5", "+1", " 1", "1 ",
                "\u0661", "\uff11", "", " ", "1234567890")) {
            VbsException refusal = assertThrows(VbsException.class, () -> mapper.createVolume(volumeOfSize(size)),
                    size);

            assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, refusal.code());
            assertTrue(refusal.getMessage().startsWith("size '" + size + "'"), refusal.getMessage());
        }
    }

    @Test
    void shouldRefuseAMaxResultsThatIsNotPlainAsciiDigitsNamingIt() {
        for (String maxResults : List.of("+5", " 5", "5 ", "1 2", "\u0665", "-1", "", "4294967301")) {
            DescribeVolumesType wire = new DescribeVolumesType();
            wire.setMaxResults(maxResults);

            VbsException refusal = assertThrows(VbsException.class, () -> mapper.describeVolumes(wire), maxResults);

            assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, refusal.code());
            assertTrue(refusal.getMessage().startsWith("maxResults '" + maxResults + "'"), refusal.getMessage());
        }
    }

    private static CreateVolumeType volumeOfSize(String size) {
        CreateVolumeType wire = new CreateVolumeType();
        wire.setSize(size);
        return wire;
    }

    @Test
    void shouldAcceptTagsWithoutResourceTypeAndGiveAValuelessTagTheEmptyValue() {
        CreateVolumeType wire = new CreateVolumeType();
        wire.setTagSpecificationSet(tagSpecifications(null, tag("flag", null)));

        assertEquals(Map.of("flag", ""), mapper.createVolume(wire).tags());
    }

    @Test
    void shouldRefuseTagsForAnotherResourceType() {
        CreateVolumeType wire = new CreateVolumeType();
        wire.setTagSpecificationSet(tagSpecifications("snapshot", tag("k", "v")));

        VbsException refusal = assertThrows(VbsException.class, () -> mapper.createVolume(wire));

        assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, refusal.code());
        assertTrue(refusal.getMessage().contains("'snapshot'"), refusal.getMessage());
    }

    @Test
    void shouldRefuseATagKeyGivenTwiceEvenAcrossSpecifications() {
        CreateVolumeType wire = new CreateVolumeType();
        TagSpecificationSetType specifications = tagSpecifications("volume", tag("k", "1"));
        specifications.getItem().addAll(tagSpecifications("volume", tag("k", "2")).getItem());
        wire.setTagSpecificationSet(specifications);

        VbsException refusal = assertThrows(VbsException.class, () -> mapper.createVolume(wire));

        assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, refusal.code());
        assertTrue(refusal.getMessage().contains("'k'"), refusal.getMessage());
    }

    @Test
    void shouldRefuseATagWithoutKey() {
        CreateVolumeType wire = new CreateVolumeType();
        wire.setTagSpecificationSet(tagSpecifications("volume", tag(null, "v")));

        assertEquals(ErrorCode.MISSING_PARAMETER,
                assertThrows(VbsException.class, () -> mapper.createVolume(wire)).code());
    }

    @Test
    void shouldMapDescribeVolumesIdsFiltersAndPagination() {
        DescribeVolumesType wire = new DescribeVolumesType();
        wire.setVolumeSet(volumeSet("vol-00000000000000001", "vol-00000000000000002"));
        wire.setFilterSet(filterSet(filter("status", "available", "creating"), filter("snapshot-id", "snap-1")));
        wire.setMaxResults("5");
        wire.setNextToken("page-2");

        DescribeRequest request = mapper.describeVolumes(wire);

        assertEquals(List.of("vol-00000000000000001", "vol-00000000000000002"), request.ids());
        assertEquals(Map.of("status", List.of("available", "creating"), "snapshot-id", List.of("snap-1")),
                request.filters());
        assertEquals(Optional.of(5), request.maxResults());
        assertEquals(Optional.of("page-2"), request.nextToken());
    }

    @Test
    void shouldDescribeEverythingWhenNothingIsGiven() {
        assertEquals(DescribeRequest.all(), mapper.describeVolumes(new DescribeVolumesType()));
        assertEquals(DescribeRequest.all(), mapper.describeSnapshots(new DescribeSnapshotsType()));
    }

    @Test
    void shouldKeepAFilterWithoutValuesAsAnEmptyList() {
        DescribeVolumesType wire = new DescribeVolumesType();
        FilterType filter = new FilterType();
        filter.setName("status");
        wire.setFilterSet(filterSet(filter));

        assertEquals(Map.of("status", List.of()), mapper.describeVolumes(wire).filters());
    }

    @Test
    void shouldMapDescribeSnapshotsIdsFiltersAndPagination() {
        DescribeSnapshotsType wire = new DescribeSnapshotsType();
        DescribeSnapshotsSetType set = new DescribeSnapshotsSetType();
        DescribeSnapshotsSetItemType item = new DescribeSnapshotsSetItemType();
        item.setSnapshotId("snap-00000000000000001");
        set.getItem().add(item);
        wire.setSnapshotSet(set);
        wire.setFilterSet(filterSet(filter("volume-id", "vol-00000000000000001")));
        wire.setMaxResults("1");

        DescribeRequest request = mapper.describeSnapshots(wire);

        assertEquals(List.of("snap-00000000000000001"), request.ids());
        assertEquals(Map.of("volume-id", List.of("vol-00000000000000001")), request.filters());
        assertEquals(Optional.of(1), request.maxResults());
        assertEquals(Optional.empty(), request.nextToken());
    }

    @Test
    void shouldRefuseAFilterNamedTwice() {
        DescribeVolumesType wire = new DescribeVolumesType();
        wire.setFilterSet(filterSet(filter("status", "available"), filter("status", "creating")));

        VbsException refusal = assertThrows(VbsException.class, () -> mapper.describeVolumes(wire));

        assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, refusal.code());
        assertTrue(refusal.getMessage().contains("'status'"), refusal.getMessage());
    }

    @Test
    void shouldRefuseAFilterWithoutNameOrWithAnEmptyValue() {
        DescribeVolumesType unnamed = new DescribeVolumesType();
        unnamed.setFilterSet(filterSet(filter(null, "available")));
        DescribeVolumesType emptyValue = new DescribeVolumesType();
        emptyValue.setFilterSet(filterSet(filter("status", (String) null)));

        assertEquals(ErrorCode.MISSING_PARAMETER,
                assertThrows(VbsException.class, () -> mapper.describeVolumes(unnamed)).code());
        assertEquals(ErrorCode.MISSING_PARAMETER,
                assertThrows(VbsException.class, () -> mapper.describeVolumes(emptyValue)).code());
    }

    @Test
    void shouldRefuseAnIdSetItemWithoutId() {
        DescribeVolumesType wire = new DescribeVolumesType();
        wire.setVolumeSet(volumeSet((String) null));

        assertEquals(ErrorCode.MISSING_PARAMETER,
                assertThrows(VbsException.class, () -> mapper.describeVolumes(wire)).code());
    }

    @Test
    void shouldRefuseAMissingRequiredValueNamingTheElement() {
        VbsException refusal = assertThrows(VbsException.class, () -> mapper.required(null, "volumeId"));

        assertEquals(ErrorCode.MISSING_PARAMETER, refusal.code());
        assertTrue(refusal.getMessage().contains("volumeId"), refusal.getMessage());
        assertEquals("vol-1", mapper.required("vol-1", "volumeId"));
    }

    @Test
    void shouldGiveASnapshotWithoutDescriptionTheEmptyDescription() {
        CreateSnapshotType without = new CreateSnapshotType();
        CreateSnapshotType with = new CreateSnapshotType();
        with.setDescription("before upgrade");

        assertEquals("", mapper.snapshotDescription(without));
        assertEquals("before upgrade", mapper.snapshotDescription(with));
    }

    private static ResourceTagSetItemType tag(String key, String value) {
        ResourceTagSetItemType tag = new ResourceTagSetItemType();
        tag.setKey(key);
        tag.setValue(value);
        return tag;
    }

    private static TagSpecificationSetType tagSpecifications(String resourceType, ResourceTagSetItemType... tags) {
        ResourceTagSetType tagSet = new ResourceTagSetType();
        tagSet.getItem().addAll(List.of(tags));
        TagSpecificationSetItemType specification = new TagSpecificationSetItemType();
        specification.setResourceType(resourceType);
        specification.setTagSet(tagSet);
        TagSpecificationSetType specifications = new TagSpecificationSetType();
        specifications.getItem().add(specification);
        return specifications;
    }

    private static DescribeVolumesSetType volumeSet(String... ids) {
        DescribeVolumesSetType set = new DescribeVolumesSetType();
        for (String id : ids) {
            DescribeVolumesSetItemType item = new DescribeVolumesSetItemType();
            item.setVolumeId(id);
            set.getItem().add(item);
        }
        return set;
    }

    private static FilterType filter(String name, String... values) {
        ValueSetType valueSet = new ValueSetType();
        for (String value : values) {
            ValueType item = new ValueType();
            item.setValue(value);
            valueSet.getItem().add(item);
        }
        FilterType filter = new FilterType();
        filter.setName(name);
        filter.setValueSet(valueSet);
        return filter;
    }

    private static FilterSetType filterSet(FilterType... filters) {
        FilterSetType set = new FilterSetType();
        set.getItem().addAll(List.of(filters));
        return set;
    }
}
