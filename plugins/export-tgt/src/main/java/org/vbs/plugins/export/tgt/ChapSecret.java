package org.vbs.plugins.export.tgt;

import java.util.Arrays;
import java.util.regex.Pattern;
import org.vbs.plugins.spi.Secret;

/**
 * What a CHAP secret must look like to reach tgtd intact, checked without ever showing it.
 *
 * <p>tgtadm packs its options into one {@code key=value,key=value} string for tgtd
 * ({@code usr/tgtadm.c}: {@code "%spassword=%s"}), so a comma would cut the secret short; the
 * alphabet below (that of {@link org.vbs.plugins.spi.ArgType#NAME}) has none, and no leading
 * {@code -}. At least 12 characters: RFC 3720 (12.1.3) asks for secrets of 96 bits or more, and some
 * initiators refuse shorter ones.
 */
final class ChapSecret {
    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

    private ChapSecret() {
    }

    /**
     * The secret's value as a String (argv needs one), after checking it.
     *
     * @param role which secret, for the message ({@code "the CHAP secret of user u1"})
     * @throws IllegalArgumentException naming the role and the rule, never the value
     */
    static String reveal(Secret secret, String role) {
        char[] chars = secret.reveal();
        try {
            String value = new String(chars);
            if (value.length() < MIN_LENGTH || value.length() > MAX_LENGTH || !ALLOWED.matcher(value).matches()) {
                throw new IllegalArgumentException(role + " must be " + MIN_LENGTH + " to " + MAX_LENGTH
                        + " characters of A-Z a-z 0-9 . _ : - starting with a letter or digit (tgtadm cannot carry"
                        + " others); it has " + value.length() + " characters");
            }
            return value;
        } finally {
            Arrays.fill(chars, '\0');
        }
    }
}
