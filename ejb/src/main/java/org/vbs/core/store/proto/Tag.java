package org.vbs.core.store.proto;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

/**
 * One entry of a stored {@code Map<String, String>} (tags): message {@code vbs.metadata.Tag}. A map is
 * a repeated Tag, because ProtoStream supports {@code map<>} fields only in proto3 syntax, and the
 * schema is proto2 (an absent field reads back as null, which is how an absent Optional is stored).
 */
public record Tag(@ProtoField(number = 1) String key, @ProtoField(number = 2) String value) {

    @ProtoFactory
    public Tag {
        // The canonical constructor is the factory: ProtoStream reads the fields, then calls it.
    }

    /** The entries sorted by key, so equal maps always marshal to equal bytes. */
    public static List<Tag> listOf(Map<String, String> map) {
        return new TreeMap<>(map).entrySet().stream().map(e -> new Tag(e.getKey(), e.getValue())).toList();
    }

    /** Back to a map (a repeated field that was never written reads back as an empty list). */
    public static Map<String, String> mapOf(List<Tag> tags) {
        Map<String, String> map = new TreeMap<>();
        for (Tag tag : tags) {
            map.put(tag.key, tag.value);
        }
        return map;
    }
}
