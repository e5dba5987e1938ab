package org.vbs.security;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VOMS fully qualified attribute name: a group of a virtual organisation (the VO is the first
 * group component) with an optional role, as a VOMS attribute certificate asserts it.
 *
 * <p>Written in the form VOMS servers encode and {@code voms-proxy-info} prints,
 * {@code /myvo/sub/Role=storage-admin/Capability=NULL}; {@link #parse} also takes the short forms
 * {@code /myvo/sub/Role=storage-admin} and {@code /myvo/sub} (no role, as {@code Role=NULL} is).
 * Capabilities are deprecated in VOMS and always {@code NULL}: a capability given is ignored.
 *
 * @param group the group, e.g. {@code /myvo} or {@code /myvo/sub}
 * @param role the role, or empty for the group membership itself ({@code Role=NULL})
 */
public record Fqan(String group, Optional<String> role) {
    private static final String NULL = "NULL";
    private static final Pattern FORM = Pattern.compile(
            "((?:/[\\w.-]+)+)(?:/Role=([\\w.-]+))?(?:/Capability=([\\w\\s.-]+))?");

    public Fqan {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(role, "role");
        if (role.isPresent() && role.get().equals(NULL)) {
            role = Optional.empty();
        }
    }

    /**
     * @throws IllegalArgumentException if the text is not an FQAN in one of the forms above
     */
    public static Fqan parse(String text) {
        Matcher matcher = FORM.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a VOMS FQAN (/vo[/group...][/Role=role][/Capability=NULL]): '"
                    + text + "'");
        }
        return new Fqan(matcher.group(1), Optional.ofNullable(matcher.group(2)));
    }

    /**
     * Whether the text is written as an FQAN rather than as a grid slash-form DN: both start with
     * {@code /}, but a DN's first part is {@code type=value} ({@code /O=Grid/...}) and an FQAN's is
     * the VO's name. Says nothing of whether it parses.
     */
    public static boolean isWrittenAsOne(String text) {
        if (!text.startsWith("/")) {
            return false;
        }
        int next = text.indexOf('/', 1);
        String first = next < 0 ? text.substring(1) : text.substring(1, next);
        return !first.contains("=");
    }

    /**
     * Whether a caller holding this FQAN holds the one named: the same group (not a subgroup, not a
     * parent group) and the same role, where no role means the plain group membership, so
     * {@code /myvo} names the members of {@code /myvo} as such and no role of it.
     */
    public boolean grants(Fqan named) {
        return group.equals(named.group) && role.equals(named.role);
    }

    /** The full form, {@code /myvo/Role=storage-admin/Capability=NULL} or {@code /myvo/Role=NULL/Capability=NULL}. */
    @Override
    public String toString() {
        return group + "/Role=" + role.orElse(NULL) + "/Capability=" + NULL;
    }
}
