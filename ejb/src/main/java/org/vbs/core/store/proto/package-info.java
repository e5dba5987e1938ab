/**
 * How the metadata caches' keys and values are stored: ProtoStream messages of the schema
 * {@link org.vbs.core.store.proto.MetadataSchema} (proto2, package {@code vbs.metadata}, file
 * {@code vbs-metadata.proto}). The replicated caches' file stores keep these bytes across restarts
 * and upgrades: a store written by one version of VBS is read by the next, and during a rolling
 * upgrade nodes of both versions exchange them. So the schema may grow, never change.
 *
 * <h2>How the bytes reach the cache</h2>
 * WildFly's "vbs" container marshals with JBOSS (Java serialization semantics); every stored record
 * has a {@code writeReplace()} that returns {@link org.vbs.core.store.proto.StoredMessage}, one
 * proxy holding the record's self-describing message (type name + fields), which its
 * {@code readResolve()} turns back into the record. The container's own PROTOSTREAM marshaller is
 * not used on purpose: it needs this deployment's module in the container's {@code modules}, and
 * WildFly builds that marshaller once, from the first deployment's classes, so after a redeploy it
 * no longer knows the new deployment's classes (see ear/src/main/cli/20-infinispan.cli).
 *
 * <h2>The pattern: one adapter per stored type</h2>
 * The domain records ({@code VolumeRecord}, {@code OwnerKey}, ...) stay plain Java (plus the
 * one-line {@code writeReplace()} above); each has a {@code @ProtoAdapter} here
 * ({@code XxxAdapter}) that names the message, gives every field its number, maps {@code Optional} to an absent field (null), and rebuilds the record in its
 * {@code @ProtoFactory} (parameters named like the fields). Enums get an adapter enum with the same
 * constant names, each with an explicit {@code @ProtoEnumValue} number and a prefixed proto name.
 * Times are {@link org.vbs.core.store.proto.Timestamp}, string maps a repeated
 * {@link org.vbs.core.store.proto.Tag} (sorted, so equal records marshal to equal bytes), id sets
 * a repeated string in order. A new stored type: write its adapter, add it to
 * {@code MetadataSchema.includeClasses}, give the record {@code implements Serializable} and
 * {@code writeReplace() { return StoredMessage.of(this); }}, and add a sample to the round-trip
 * tests (MetadataSchemaRoundTripTest, StoredMessageTest).
 *
 * <h2>The rules (MetadataSchemaCompatibilityTest checks the renumbering, retyping and removing
 * ones against every released schema)</h2>
 * <ol>
 *   <li>Never renumber a field, never change its type, never reuse a number or a name, not even of
 *       a field that was removed: a removed field's number and name go into a
 *       {@code @ProtoReserved} on the adapter.</li>
 *   <li>A new field gets the next unused number and a default: nullable (an older store has no
 *       such field, so the factory gets null: map it to {@code Optional.empty()} or a documented
 *       value), or {@code defaultValue} for a primitive.</li>
 *   <li>Enum constants: never renumber; a new constant gets a new number, and its adapter constant
 *       goes where the Java enum has it (adapter constants map by position; EnumAdaptersTest). An older reader sees an
 *       unknown constant as an absent field, so a new state needs a plan for the nodes not yet
 *       upgraded.</li>
 *   <li>After a release, its schema is copied to
 *       {@code src/test/resources/org/vbs/core/store/proto/released/} so every later schema is
 *       checked against it.</li>
 * </ol>
 * An older reader skips fields it does not know; if it then writes the value back, those fields are
 * lost, so a new field must not carry something a downgrade or a mixed cluster cannot live without.
 */
package org.vbs.core.store.proto;
