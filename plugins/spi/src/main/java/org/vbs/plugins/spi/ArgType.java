package org.vbs.plugins.spi;

import java.util.regex.Pattern;

/**
 * The type of a command template's placeholder: what a value must look like before it may become one
 * argv element. Values come from requests (instance id, device) or from the service (ids, IQNs,
 * paths); every one is checked against its type, so no text a user typed can turn into an option, a
 * second argument or a path outside where it belongs.
 */
public enum ArgType {
    /** {@code vol-} and 17 hex digits. */
    VOLUME_ID("vol-[0-9a-f]{17}"),
    /** {@code snap-} and 17 hex digits. */
    SNAPSHOT_ID("snap-[0-9a-f]{17}"),
    /** An iSCSI qualified name (RFC 3720 {@code iqn.} form), lower case. */
    IQN("iqn\\.[0-9]{4}-[0-9]{2}\\.[a-z0-9][a-z0-9.-]*(:[a-z0-9][a-z0-9.:_-]{0,200})?"),
    /** A guest device name ({@code sdb}, {@code vdc}, {@code xvdf}) or a host device path under /dev. */
    DEVICE("(/dev/)?[a-z][a-z0-9]{1,15}(/[a-z0-9][a-z0-9._:-]{0,100}){0,3}"),
    /** An absolute path without {@code ..} or odd characters. */
    PATH("(/[A-Za-z0-9_][A-Za-z0-9._+:@-]{0,254}){1,32}"),
    /** A size or a count: plain ASCII digits. */
    NUMBER("[0-9]{1,19}"),
    /** A host name or an IPv4/IPv6 address, optionally with a port. */
    HOST("[A-Za-z0-9][A-Za-z0-9.-]{0,252}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?"),
    /** A VM's name or id as the hypervisor knows it. */
    INSTANCE("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
    /** A short token: a CHAP user name, a target or node id, a driver-made name. */
    NAME("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}"),
    /**
     * A connection URI as libvirt writes them ({@code qemu:///system}, {@code qemu+ssh://root@kvm7/system},
     * {@code qemu+unix:///system?socket=/run/x/libvirt-sock}): a lower-case scheme, {@code ://}, then only
     * characters URIs use in authority, path and query; no spaces, quotes or shell characters.
     */
    URI("[a-z][a-z0-9+.-]{0,31}://[A-Za-z0-9._~@:\\[\\]-]{0,255}(/[A-Za-z0-9._~/+:-]{0,255})?"
            + "(\\?[A-Za-z0-9._~/+:=&%-]{1,512})?");

    private final Pattern pattern;

    ArgType(String regex) {
        this.pattern = Pattern.compile(regex);
    }

    /** Whether {@code value} is a valid value of this type (the whole value must match). */
    public boolean accepts(String value) {
        return value != null && pattern.matcher(value).matches();
    }

    /**
     * @return {@code value}
     * @throws IllegalArgumentException naming the placeholder and type, without echoing a long value
     */
    public String require(String placeholder, String value) {
        if (!accepts(value)) {
            String shown = value == null ? "null" : value.length() > 80 ? value.substring(0, 80) + "..." : value;
            throw new IllegalArgumentException("<" + placeholder + "> must be a " + name() + ", not '" + shown + "'");
        }
        return value;
    }
}
